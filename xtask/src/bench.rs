//! `cargo xtask bench`: generation time and peak memory for our spec, the converted whole API
//! and synthetic specs; build and check times of the generated crate; written to
//! `xtask/bench/BENCHMARKS.md` and `xtask/bench/BENCHMARKS.svg`.
//!
//! Every measurement runs in a child process of its own (`xtask bench-gen`, `xtask measure`), so
//! peak memory is that of the one run and nothing is shared between runs but the disk cache.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::chart;
use crate::generate::workspace_root;

/// A spec to measure.
struct Input {
    label: String,
    /// The workspace holding its `spec/`.
    dir: PathBuf,
}

/// One measured generation (the best of three runs).
struct Generation {
    label: String,
    operations: u64,
    total_ms: f64,
    stages: Vec<(String, f64)>,
    peak_mib: f64,
}

/// The label of the repository's own spec, the one the budgets are about.
const OUR_SPEC: &str = "our spec";

/// Build figures of the crate generated from one spec.
struct Build {
    label: String,
    operations: u64,
    /// The median of `all_features_runs`.
    all_features_s: f64,
    /// Every cold all-features build's seconds, sorted.
    all_features_runs: Vec<f64>,
    /// The largest of those builds' peaks.
    all_features_peak_mib: f64,
    service: String,
    service_operations: usize,
    service_s: f64,
    /// Only the payment and refund services (`basic_payment`, `refund`), when the spec has them.
    payment_refund_s: Option<f64>,
    touch_regen_ms: f64,
    touch_check_s: f64,
}

pub fn run(quick: bool) -> ExitCode {
    match bench(quick) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bench(quick: bool) -> Result<(), String> {
    let root = workspace_root();
    let work = root.join("target/bench");
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let inputs = prepare_inputs(&root, &work, quick)?;
    let mut generations = Vec::new();
    for input in &inputs {
        let generation = measure_generation(input, &work)?;
        eprintln!(
            "bench: {}: {} operations generated in {:.0} ms (peak {:.0} MiB)",
            generation.label, generation.operations, generation.total_ms, generation.peak_mib
        );
        generations.push(generation);
    }
    let mut builds = Vec::new();
    if !quick {
        let target = root.join("target/bench-build");
        // The 5,000-operation crate is left out: at five times the whole API it would take
        // many minutes and more memory than the targets are about.
        for input in inputs
            .iter()
            .filter(|input| input.label != "synthetic 5000")
        {
            let build = measure_build(&root, input, &work, &target)?;
            eprintln!(
                "bench: {}: crate built in {:.1} s (peak {:.0} MiB); {} alone in {:.1} s; \
                 regenerate + check after a spec edit {:.1} s",
                build.label,
                build.all_features_s,
                build.all_features_peak_mib,
                build.service,
                build.service_s,
                build.touch_regen_ms / 1000.0 + build.touch_check_s
            );
            builds.push(build);
        }
    }
    write_report(&root, &generations, &builds)
}

/// Our spec, the converted community description (when it is there) and synthetic specs, each
/// copied or written under `work/<label>/spec`.
fn prepare_inputs(root: &Path, work: &Path, quick: bool) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    let own = work.join("own");
    reset(&own)?;
    copy_dir(&root.join("spec"), &own.join("spec"))?;
    inputs.push(Input {
        label: OUR_SPEC.to_owned(),
        dir: own,
    });
    let community = root.join("../shared/reference/community-api.json");
    match fs::read_to_string(&community) {
        Ok(json) => {
            let conversion = crate::convert::convert_json(&json).map_err(|e| e.to_string())?;
            let dir = work.join("converted");
            reset(&dir)?;
            crate::convert::write(&conversion.sources, &dir).map_err(|e| e.to_string())?;
            inputs.push(Input {
                label: "whole API (converted)".to_owned(),
                dir,
            });
        }
        Err(error) => eprintln!(
            "bench: skipping the whole API: {}: {error}",
            community.display()
        ),
    }
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1000, 5000] };
    for &size in sizes {
        let conversion = crate::synth::synthesize(size, 1).map_err(|e| e.to_string())?;
        let dir = work.join(format!("synth-{size}"));
        reset(&dir)?;
        crate::convert::write(&conversion.sources, &dir).map_err(|e| e.to_string())?;
        inputs.push(Input {
            label: format!("synthetic {size}"),
            dir,
        });
    }
    Ok(inputs)
}

/// Three generations, each into a fresh directory (so every file is written); the fastest counts,
/// peak memory is the highest seen.
fn measure_generation(input: &Input, work: &Path) -> Result<Generation, String> {
    let mut best: Option<Generation> = None;
    let mut peak: f64 = 0.0;
    for run in 0..3 {
        let dir = work.join(format!("gen-run-{run}"));
        reset(&dir)?;
        copy_dir(&input.dir.join("spec"), &dir.join("spec"))?;
        let measured = bench_gen(&dir)?;
        peak = peak.max(measured.peak_mib);
        if best.as_ref().is_none_or(|b| measured.total_ms < b.total_ms) {
            best = Some(measured);
        }
    }
    let mut best = best.ok_or("no generation ran")?;
    best.label = input.label.clone();
    best.peak_mib = peak;
    Ok(best)
}

/// One `xtask bench-gen --root dir` child, parsed.
fn bench_gen(dir: &Path) -> Result<Generation, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .args(["bench-gen", "--root"])
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "generation in {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value =
        serde_json::from_str(line.trim()).map_err(|e| format!("bench-gen said {line:?}: {e}"))?;
    let micros = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0)
    };
    let stages = ["read", "parse", "validate", "ir", "emit", "write"]
        .iter()
        .map(|stage| ((*stage).to_owned(), micros(stage) / 1000.0))
        .collect();
    Ok(Generation {
        label: String::new(),
        operations: micros("operations") as u64,
        total_ms: micros("total_us") / 1000.0,
        stages,
        peak_mib: micros("peak_kib") / 1024.0,
    })
}

/// The crate generated from `input` next to a copy of the hand-written runtime, in a scratch
/// workspace; dependencies are built once into `target` and kept.
fn measure_build(root: &Path, input: &Input, work: &Path, target: &Path) -> Result<Build, String> {
    let dir = work.join(format!("crate-{}", slug(&input.label)));
    reset(&dir)?;
    copy_dir(&input.dir.join("spec"), &dir.join("spec"))?;
    // The whole crate (runtime, binaries, benches the manifest names); the generated files of
    // our spec in it are replaced or removed when this spec is generated into it.
    copy_dir(&root.join("generated-sdk"), &dir.join("generated-sdk"))?;
    copy_file(&root.join("Cargo.lock"), &dir.join("Cargo.lock"))?;
    let generation = bench_gen(&dir)?;
    // After generating: the crates of services are this spec's.
    let packages = sdk_packages(&dir)?;
    let members: Vec<String> = packages
        .iter()
        .map(|(_, path)| format!("\"{path}\""))
        .collect();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[workspace.package]\n\
             edition = \"2024\"\nrust-version = \"1.88\"\nlicense = \"MIT OR Apache-2.0\"\n\
             publish = false\n",
            members.join(", ")
        ),
    )
    .map_err(|e| e.to_string())?;
    let clean: Vec<&str> = std::iter::once("clean")
        .chain(packages.iter().flat_map(|(name, _)| ["-p", name.as_str()]))
        .collect();
    let manifest = dir.join("Cargo.toml");
    let cargo = |args: &[&str]| -> Result<(f64, f64), String> {
        let mut full = vec!["--offline", "--manifest-path"];
        let manifest = manifest.to_string_lossy();
        full.splice(0..0, args.iter().copied());
        full.push(&manifest);
        measured_cargo(&full, target)
    };
    // Dependencies (and this crate once): warm, not timed.
    cargo(&["build", "--all-features"])?;
    // The same build varies by a tenth from run to run on a shared 2-core machine, so the
    // figure compared with a budget is the median of three cold builds; the other specs are
    // there for scale and are built once.
    let runs = if input.label == OUR_SPEC { 3 } else { 1 };
    let mut all_features_runs = Vec::new();
    let mut all_features_peak_mib: f64 = 0.0;
    for _ in 0..runs {
        cargo(&clean)?;
        let (seconds, peak_mib) = cargo(&["build", "--all-features"])?;
        all_features_runs.push(seconds);
        all_features_peak_mib = all_features_peak_mib.max(peak_mib);
    }
    all_features_runs.sort_by(f64::total_cmp);
    let all_features_s = all_features_runs[all_features_runs.len() / 2];
    let (service, service_operations) = service_near_50(&dir)?;
    cargo(&clean)?;
    let feature = format!("--features={service}");
    let (service_s, _) = cargo(&["build", "--no-default-features", &feature])?;
    // What a team taking domestic payments and refunds enables, when the spec has both.
    let payment_refund_s = if dir.join("spec/services/basic_payment.yaml").exists()
        && dir.join("spec/services/refund.yaml").exists()
    {
        cargo(&clean)?;
        let features = "--features=basic_payment,refund";
        Some(cargo(&["build", "--no-default-features", features])?.0)
    } else {
        None
    };
    // A spec edit: warm check, edit one service file, regenerate and check again.
    cargo(&["check", "--all-features"])?;
    let file = dir.join(format!("spec/services/{service}.yaml"));
    let yaml = fs::read_to_string(&file).map_err(|e| e.to_string())?;
    // Inside the service's description, written plain or quoted.
    let edited = ["  description: '", "  description: \"", "  description: "]
        .iter()
        .find(|start| yaml.contains(**start))
        .map_or(yaml.clone(), |start| {
            yaml.replacen(start, &format!("{start}(edited) "), 1)
        });
    fs::write(&file, edited).map_err(|e| e.to_string())?;
    let regen = bench_gen(&dir)?;
    let (touch_check_s, _) = cargo(&["check", "--all-features"])?;
    Ok(Build {
        label: input.label.clone(),
        operations: generation.operations,
        all_features_s,
        all_features_runs,
        all_features_peak_mib,
        service,
        service_operations,
        service_s,
        payment_refund_s,
        touch_regen_ms: regen.total_ms,
        touch_check_s,
    })
}

/// The SDK's packages in the scratch workspace `dir` (name, folder): the crate, its runtime and
/// the crates of services generated there; these are what a cold build compiles.
fn sdk_packages(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut packages = vec![
        ("wechatpay-apiv3".to_owned(), "generated-sdk".to_owned()),
        (
            "wechatpay-apiv3-runtime".to_owned(),
            "generated-sdk/runtime".to_owned(),
        ),
    ];
    let services = dir.join("generated-sdk/services");
    let mut names: Vec<String> = fs::read_dir(&services)
        .map_err(|e| format!("{}: {e}", services.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").exists())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        packages.push((
            format!("wechatpay-apiv3-{}", name.replace('_', "-")),
            format!("generated-sdk/services/{name}"),
        ));
    }
    Ok(packages)
}

/// The service whose operation count is nearest 50 (the first such in file order).
fn service_near_50(dir: &Path) -> Result<(String, usize), String> {
    let sources = codegen::spec::read_sources(dir).map_err(|e| e.to_string())?;
    let spec = codegen::spec::parse(&sources).map_err(|e| e.to_string())?;
    spec.services
        .iter()
        .map(|service| {
            let name = service.doc.service.name.clone();
            (name, service.doc.operations.len())
        })
        .min_by_key(|(_, count)| count.abs_diff(50))
        .ok_or_else(|| "no service".to_owned())
}

/// `cargo args…` under `xtask measure`: (wall seconds, peak MiB of any process it waited for).
fn measured_cargo(args: &[&str], target: &Path) -> Result<(f64, f64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(exe)
        .args(["measure", "--", &cargo])
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let line = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("measured: "))
        .ok_or_else(|| format!("no measurement in:\n{stderr}"))?;
    let mut numbers = line
        .split_whitespace()
        .map(|n| n.parse::<f64>().unwrap_or(0.0));
    let wall_ms = numbers.next().unwrap_or(0.0);
    let rss_kib = numbers.next().unwrap_or(0.0);
    Ok((wall_ms / 1000.0, rss_kib / 1024.0))
}

fn write_report(root: &Path, generations: &[Generation], builds: &[Build]) -> Result<(), String> {
    let out = root.join("xtask/bench");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo run --release -p xtask -- bench` (see `xtask/src/bench.rs`); the chart is \
         [`BENCHMARKS.svg`](BENCHMARKS.svg). Times are wall-clock on a shared machine: generation is \
         the best of 3 runs, each in its own process writing every file into an empty directory.\n"
    );
    let _ = writeln!(md, "## Machine\n\n{}\n", machine());
    let _ = writeln!(
        md,
        "## Generation (parse, validate, IR, emit + format, write)\n"
    );
    let _ = writeln!(
        md,
        "| spec | operations | total ms | read | parse | validate | ir | emit | write | peak MiB |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in generations {
        let stages: Vec<String> = g.stages.iter().map(|(_, ms)| format!("{ms:.1}")).collect();
        let _ = writeln!(
            md,
            "| {} | {} | {:.1} | {} | {:.0} |",
            g.label,
            g.operations,
            g.total_ms,
            stages.join(" | "),
            g.peak_mib
        );
    }
    if !builds.is_empty() {
        let _ = writeln!(
            md,
            "\n## Generated crate (`cargo build`, debug, dependencies prebuilt)\n\n\
             Cold: `cargo clean` of the SDK's crates (the crate, its runtime, its crates of services) then `cargo build`; for our spec the median of three such builds (the figures vary by a tenth from run to run here), the others once. Peak is the largest \
             resident set of any process cargo ran (rustc). Edit: one service file's \
             description changed, then `xtask gen` + `cargo check --all-features`.\n"
        );
        let _ = writeln!(
            md,
            "| spec | operations | all features s | peak MiB | one service (ops) | s | payment + refund s | edit: regen ms + check s |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---|---:|---:|---:|");
        for b in builds {
            let payment_refund = b
                .payment_refund_s
                .map_or_else(|| "-".to_owned(), |s| format!("{s:.1}"));
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.0} | `{}` ({}) | {:.1} | {payment_refund} | {:.0} + {:.1} |",
                b.label,
                b.operations,
                b.all_features_s,
                b.all_features_peak_mib,
                b.service,
                b.service_operations,
                b.service_s,
                b.touch_regen_ms,
                b.touch_check_s
            );
        }
    }
    let _ = writeln!(md, "\n## Targets\n\n{}", targets(generations, builds));
    let md_path = out.join("BENCHMARKS.md");
    fs::write(&md_path, md).map_err(|e| e.to_string())?;
    let mut generation_points: Vec<chart::Point> = generations
        .iter()
        .map(|g| (g.operations.max(1) as f64, g.total_ms))
        .collect();
    generation_points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut all: Vec<chart::Point> = builds
        .iter()
        .map(|b| (b.operations.max(1) as f64, b.all_features_s))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut check: Vec<chart::Point> = builds
        .iter()
        .map(|b| (b.operations.max(1) as f64, b.touch_check_s))
        .collect();
    check.sort_by(|a, b| a.0.total_cmp(&b.0));
    let series = [
        ("cargo build, all features", all),
        ("cargo check after a spec edit", check),
    ];
    chart::draw(&out.join("BENCHMARKS.svg"), &generation_points, &series)?;
    eprintln!("bench: wrote {}", md_path.display());
    Ok(())
}

/// Each budget of the whole-API issue with its figure and whether it is met, plus the
/// generator's scaling (synthetic specs).
fn targets(generations: &[Generation], builds: &[Build]) -> String {
    let mut lines = Vec::new();
    let find = |label: &str| generations.iter().find(|g| g.label == label);
    let mut line = |name: &str, figure: Option<(String, bool)>| {
        let (text, verdict) = match figure {
            Some((text, ok)) => (text, if ok { "pass" } else { "FAIL" }),
            None => ("not measured".to_owned(), "-"),
        };
        lines.push(format!("| {name} | {text} | {verdict} |"));
    };
    line(
        "generation of our spec (the whole API) ≤ 1.5 s",
        find(OUR_SPEC).map(|g| (format!("{:.0} ms", g.total_ms), g.total_ms <= 1500.0)),
    );
    line(
        "synthetic 5000 ≤ 5.5 × synthetic 1000",
        find("synthetic 1000")
            .zip(find("synthetic 5000"))
            .map(|(a, b)| {
                let ratio = b.total_ms / a.total_ms;
                (format!("{ratio:.2} ×"), ratio <= 5.5)
            }),
    );
    let own = builds.iter().find(|b| b.label == OUR_SPEC);
    line(
        "debug build, all features ≤ 50 s",
        own.map(|b| {
            let runs: Vec<String> = b
                .all_features_runs
                .iter()
                .map(|s| format!("{s:.1}"))
                .collect();
            (
                format!(
                    "{:.1} s (median of {} s)",
                    b.all_features_s,
                    runs.join(", ")
                ),
                b.all_features_s <= 50.0,
            )
        }),
    );
    line(
        "debug build, all features ≤ 2.7 GB",
        own.map(|b| {
            let gb = b.all_features_peak_mib / 1024.0;
            (format!("{gb:.2} GiB"), gb <= 2.7)
        }),
    );
    line(
        "one spec file edited → regenerate + check ≤ 10 s",
        own.map(|b| {
            let total = b.touch_regen_ms / 1000.0 + b.touch_check_s;
            (format!("{total:.1} s"), total <= 10.0)
        }),
    );
    line(
        "payment and refund services only ≤ 15 s",
        own.and_then(|b| b.payment_refund_s)
            .map(|s| (format!("{s:.1} s"), s <= 15.0)),
    );
    format!(
        "| target | measured | |\n|---|---|---|\n{}\n",
        lines.join("\n")
    )
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .to_owned();
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let profile = if cfg!(debug_assertions) {
        "debug (unoptimised; run with --release for the figures below to mean anything)"
    } else {
        "release"
    };
    // Other work on the machine shows up in every figure; the load says how much there was.
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "- cores (nproc): {cores}\n- memory: {memory}\n- {rustc}\n- generator built in {profile}\n\
         - load average (1, 5, 15 min) when the report was written: {load}"
    )
}

fn slug(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn reset(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {}: {e}", from.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            copy_file(&entry.path(), &target)?;
        }
    }
    Ok(())
}
