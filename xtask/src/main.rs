//! Project tasks. `cargo xtask gen` writes the generated SDK from `spec/`; `cargo xtask gen
//! --check` only compares and fails when anything is stale. `convert`, `synth` and `bench`
//! measure the generator at the scale of the whole API (see `xtask/bench/BENCHMARKS.md`).

mod bench;
mod bench_inputs;
mod changes;
mod chart;
mod convert;
mod generate;
mod import;
mod measure;
mod openapi;
mod pages;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use generate::Mode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask gen [--check] [--root DIR]\n\
  \x20      cargo xtask convert --input FILE --out DIR\n\
  \x20      cargo xtask synth --operations N --out DIR [--seed S]\n\
  \x20      cargo xtask import [--input FILE] [--root DIR]\n\
  \x20      cargo xtask import --openapi FILE --out DIR\n\
  \x20      cargo xtask bench [--quick]\n\
  \x20      cargo xtask changes [--base REV] [--check] [--root DIR]\n\
  \x20      cargo xtask facts --pages DIR --source TEXT [--input FILE] [--out FILE]\n\n\
  gen            write generated-sdk/ from spec/\n\
  gen --check    write nothing; fail naming every stale or extra generated file\n\
  --root DIR     the workspace to work on (default: this one)\n\
  convert        turn the community description (community-api.json) into DIR/spec/\n\
  synth          write a deterministic synthetic spec of N operations into DIR/spec/\n\
  import         merge the community description into spec/services/ under the names of\n\
  \x20              spec/import/names.yaml and the facts of spec/import/facts/ (--input: the\n\
  \x20              description, default ../shared/reference/community-api.json)\n\
  changes        print every change the working tree's spec makes to the generated crate's
  \x20              public API since REV (default HEAD), classified breaking / additive / patch,
  \x20              and the version bump it calls for (--check: fail on a breaking change
  \x20              without the bump)
  import --openapi  an OpenAPI 3.0/3.1 document (JSON or YAML) into DIR/spec/ in our format,
  \x20              listing with its JSON pointer whatever the format cannot hold
  facts          read string(N) limits and 错误码 rows from the official Markdown pages under
  \x20              DIR (<merchant|partner>/pages/<id>.md) into a facts file for import (default
  \x20              spec/import/facts/official-pages.yaml); --source says where the pages came from
  bench          measure generation and build times; writes xtask/bench/BENCHMARKS.md and .svg\n\
  \x20              (--quick: our spec and synthetic N = 100 only, no crate builds)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Some(code) => code,
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Turns transparent huge pages off for this process before it generates. With them the
/// allocator's fresh memory comes in 2 MiB pages that the kernel zeroes on first touch, and a
/// generation, which allocates and frees by the token, spent nearly as long in the kernel as in
/// its own code (synthetic 5000: 4–9 s of system time against 2.6–3 s without). Only for the
/// commands that generate: the flag passes to child processes, and `bench` must build the
/// crate the way cargo always does.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` takes integers only and touches no memory of ours; when it
    // fails (a kernel without it) nothing changes, so its result is not needed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Runs the command `args` names, or `None` when they do not parse.
fn run(args: &[String]) -> Option<ExitCode> {
    let (command, rest) = args.split_first()?;
    match command.as_str() {
        "gen" => {
            let flags = Flags::parse(rest, &["--check"], &["--root"])?;
            let mode = if flags.has("--check") {
                Mode::Check
            } else {
                Mode::Write
            };
            let root = flags
                .path("--root")
                .unwrap_or_else(generate::workspace_root);
            without_huge_pages();
            Some(generate::generate(&root, mode))
        }
        "convert" => {
            let flags = Flags::parse(rest, &[], &["--input", "--out"])?;
            Some(bench_inputs::convert(
                &flags.path("--input")?,
                &flags.path("--out")?,
            ))
        }
        "synth" => {
            let flags = Flags::parse(rest, &[], &["--operations", "--out", "--seed"])?;
            let operations = flags.value("--operations")?.parse().ok()?;
            let seed = match flags.value("--seed") {
                Some(seed) => seed.parse().ok()?,
                None => 1,
            };
            Some(bench_inputs::synth(operations, seed, &flags.path("--out")?))
        }
        "import" => {
            let flags = Flags::parse(rest, &[], &["--input", "--root", "--openapi", "--out"])?;
            if let Some(document) = flags.path("--openapi") {
                return Some(openapi::run(&document, &flags.path("--out")?));
            }
            let root = flags
                .path("--root")
                .unwrap_or_else(generate::workspace_root);
            Some(import::run(&root, flags.path("--input")))
        }
        "changes" => {
            let flags = Flags::parse(rest, &["--check"], &["--base", "--root"])?;
            let root = flags
                .path("--root")
                .unwrap_or_else(generate::workspace_root);
            let base = flags.value("--base").unwrap_or("HEAD");
            Some(changes::run(&root, base, flags.has("--check")))
        }
        "facts" => {
            let flags = Flags::parse(rest, &[], &["--pages", "--source", "--input", "--out"])?;
            let root = generate::workspace_root();
            let input = flags
                .path("--input")
                .unwrap_or_else(|| root.join("../shared/reference/community-api.json"));
            let out = flags
                .path("--out")
                .unwrap_or_else(|| root.join("spec/import/facts/official-pages.yaml"));
            Some(pages::run(
                &flags.path("--pages")?,
                flags.value("--source")?,
                &input,
                &out,
            ))
        }
        "bench" => {
            let flags = Flags::parse(rest, &["--quick"], &[])?;
            Some(bench::run(flags.has("--quick")))
        }
        // Children of `bench`: one measured generation, and one command's peak memory.
        "bench-gen" => {
            let flags = Flags::parse(rest, &[], &["--root"])?;
            without_huge_pages();
            Some(measure::generation(&flags.path("--root")?))
        }
        "measure" => {
            let (separator, command) = rest.split_first()?;
            (separator == "--").then(|| measure::command(command))
        }
        _ => None,
    }
}

/// `--flag` switches and `--key value` options, each at most once; anything else is refused.
struct Flags {
    switches: Vec<String>,
    values: Vec<(String, String)>,
}

impl Flags {
    fn parse(mut rest: &[String], switches: &[&str], keys: &[&str]) -> Option<Flags> {
        let mut flags = Flags {
            switches: Vec::new(),
            values: Vec::new(),
        };
        while let Some((flag, tail)) = rest.split_first() {
            rest = tail;
            if switches.contains(&flag.as_str()) {
                flags.switches.push(flag.clone());
            } else if keys.contains(&flag.as_str()) {
                let (value, tail) = rest.split_first()?;
                flags.values.push((flag.clone(), value.clone()));
                rest = tail;
            } else {
                return None;
            }
        }
        Some(flags)
    }

    fn has(&self, switch: &str) -> bool {
        self.switches.iter().any(|s| s == switch)
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.value(key).map(PathBuf::from)
    }
}
