//! Load: one `Client` holding 256 calls in flight for 100,000 calls (`WXPAY_LOAD_CALLS` to
//! change it) against a loopback server that replays one signed answer, so the machine's work
//! is the client's. Prints calls per second next to what the cores' RSA allows (each call signs
//! its request and verifies its answer, nothing else is unavoidable), and the process's
//! resident memory every tenth of the run: flat memory means nothing accumulates per call.
//!
//! `cargo bench -p wechatpay-apiv3 --features testkit,platsolution --bench load`; not part of the test suite.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[path = "support/replay.rs"]
mod replay;
#[path = "support/rsa_floor.rs"]
mod rsa_floor;

const IN_FLIGHT: usize = 256;
const DEFAULT_CALLS: usize = 100_000;

fn main() {
    let calls = std::env::var("WXPAY_LOAD_CALLS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_CALLS);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let rsa = rsa_per_call(500);
    let bound = cores as f64 / rsa.as_secs_f64();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .expect("runtime");
    let (elapsed, server, memory) = runtime.block_on(run(calls));

    let per_second = calls as f64 / elapsed.as_secs_f64();
    println!(
        "{calls} calls, {IN_FLIGHT} in flight, {cores} cores: {:.1} s, {per_second:.0} calls/s",
        elapsed.as_secs_f64()
    );
    println!(
        "RSA sign + verify {:.1} µs per call: at most {bound:.0} calls/s on {cores} cores; reached {:.0}%",
        rsa.as_secs_f64() * 1e6,
        per_second / bound * 100.0
    );
    // The server shares the cores; what it used was not the client's to use.
    let core_time = elapsed.as_secs_f64() * cores as f64;
    let client_bound = bound * (1.0 - server.as_secs_f64() / core_time);
    println!(
        "the loopback server worked {:.1} s of the cores' {core_time:.1} s ({:.0}%); \
         of what was left, at most {client_bound:.0} calls/s: reached {:.0}%",
        server.as_secs_f64(),
        server.as_secs_f64() / core_time * 100.0,
        per_second / client_bound * 100.0
    );
    println!("resident memory after each tenth of the calls (KiB):");
    for (done, kib) in &memory {
        println!("  {done:>7} calls  {kib:>8}");
    }
    if let (Some((_, first)), Some((_, last))) = (memory.first(), memory.last()) {
        println!(
            "from the first tenth to the end: {:+} KiB ({:+.1}%)",
            *last as i64 - *first as i64,
            (*last as f64 / *first as f64 - 1.0) * 100.0
        );
    }
}

/// `IN_FLIGHT` workers take call numbers from one counter until `calls` are done; every tenth
/// of the way the resident memory is noted. Answers the time taken, the server's working time
/// and the memory notes.
async fn run(calls: usize) -> (Duration, Duration, Vec<(usize, u64)>) {
    let (url, server_time, _server) = replay::replaying_server(replay::DEPOSIT_ANSWER).await;
    let client = replay::client(url);
    let next = Arc::new(AtomicUsize::new(0));
    let memory = Arc::new(std::sync::Mutex::new(Vec::new()));
    let tenth = (calls / 10).max(1);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (client, next, memory) = (client.clone(), next.clone(), memory.clone());
        workers.spawn(async move {
            loop {
                let number = next.fetch_add(1, Ordering::Relaxed);
                if number >= calls {
                    break;
                }
                let deposit = replay::query_deposit(&client).await;
                assert_eq!(deposit.out_recharge_no, "cz202407181234");
                if (number + 1) % tenth == 0 {
                    let kib = resident_kib().unwrap_or(0);
                    memory.lock().expect("lock").push((number + 1, kib));
                }
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.expect("no worker panicked");
    }
    let elapsed = started.elapsed();
    let server = server_time.total();
    let mut memory = memory.lock().expect("lock").clone();
    memory.sort_unstable();
    (elapsed, server, memory)
}

/// The RSA one call cannot avoid, on one core: sign a request, verify an answer.
fn rsa_per_call(rounds: u32) -> Duration {
    let floor = rsa_floor::RsaFloor::new();
    let started = Instant::now();
    for _ in 0..rounds {
        floor.run();
    }
    started.elapsed() / rounds
}

/// `VmRSS` of this process, where the system reports it (Linux).
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
