//! The children `bench` runs so that each measurement has a process of its own: one generation
//! (stage times and peak memory), and one command's wall time and peak memory.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Runs the pipeline on `root` as `gen` does (writing), and prints one line of JSON: the time of
/// each stage in microseconds and this process's peak resident memory (VmHWM) in KiB.
pub fn generation(root: &Path) -> ExitCode {
    let started = Instant::now();
    let mut stages: Vec<(&str, u128)> = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |stages: &mut Vec<(&str, u128)>, name| {
        stages.push((name, lap.elapsed().as_micros()));
        lap = Instant::now();
    };
    let result = (|| -> Result<usize, String> {
        let sources = codegen::spec::read_sources(root).map_err(|e| e.to_string())?;
        mark(&mut stages, "read");
        let spec = codegen::spec::parse(&sources).map_err(|e| e.to_string())?;
        mark(&mut stages, "parse");
        codegen::validate::validate(&spec).map_err(|e| e.to_string())?;
        mark(&mut stages, "validate");
        let api = codegen::ir::build(&spec).map_err(|e| e.to_string())?;
        mark(&mut stages, "ir");
        let output = codegen::emit::emit(&api).map_err(|e| e.to_string())?;
        mark(&mut stages, "emit");
        output.write(root).map_err(|e| e.to_string())?;
        mark(&mut stages, "write");
        Ok(api.operation_count())
    })();
    let operations = match result {
        Ok(operations) => operations,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let total = started.elapsed().as_micros();
    let stages: Vec<String> = stages
        .iter()
        .map(|(name, micros)| format!("\"{name}\":{micros}"))
        .collect();
    println!(
        "{{\"operations\":{operations},\"total_us\":{total},\"peak_kib\":{},{}}}",
        peak_kib().unwrap_or(0),
        stages.join(",")
    );
    ExitCode::SUCCESS
}

/// VmHWM of this process, from `/proc/self/status` (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `command`, waits, and prints `wall_ms max_rss_kib` of it on stderr's last line; the
/// peak is the largest of the command and every descendant it waited for (`RUSAGE_CHILDREN`).
pub fn command(command: &[String]) -> ExitCode {
    let Some((program, args)) = command.split_first() else {
        eprintln!("measure: no command");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let status = match Command::new(program).args(args).status() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("measure: cannot run {program}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let wall = started.elapsed().as_millis();
    eprintln!("measured: {wall} {}", children_max_rss_kib());
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a full `rusage` into the pointer it is given and nothing else.
    let result = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if result != 0 {
        return 0;
    }
    // SAFETY: getrusage returned 0, so it initialised the struct (which is valid when zeroed anyway).
    let usage = unsafe { usage.assume_init() };
    // Linux reports ru_maxrss in KiB.
    usage.ru_maxrss
}
