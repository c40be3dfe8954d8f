//! One full call's client-side work (build the request, sign, send on loopback, verify, decode)
//! next to the bare RSA-2048 sign + verify it cannot avoid, measured in the same run.
//!
//! The loopback server neither checks signatures nor signs per request (it replays one answer
//! signed at start, and does nothing else: not even the sandbox's routing, field checks and
//! recording), so the call's only RSA work is the client's. It runs on the client's thread, so
//! its HTTP work is inside a call's time; it is timed inside its polls and shown apart.
//! `cargo bench -p wechatpay-apiv3 --features testkit,platsolution --bench call` prints both
//! measurements and their ratio: the client's overhead beyond the two RSA operations.

use std::time::{Duration, Instant};

#[path = "support/replay.rs"]
mod replay;
#[path = "support/rsa_floor.rs"]
mod rsa_floor;

use criterion::{Criterion, criterion_group};

struct Call {
    runtime: tokio::runtime::Runtime,
    client: wechatpay_apiv3::runtime::Client,
    server_time: replay::ServerTime,
    _server: tokio::task::JoinHandle<()>,
}

impl Call {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (url, server_time, server) =
            runtime.block_on(replay::replaying_server(replay::DEPOSIT_ANSWER));
        let client = replay::client(url);
        Call {
            runtime,
            client,
            server_time,
            _server: server,
        }
    }

    fn run(&self) {
        std::hint::black_box(self.runtime.block_on(replay::query_deposit(&self.client)));
    }
}

fn benches(c: &mut Criterion) {
    let floor = rsa_floor::RsaFloor::new();
    c.bench_function("rsa2048_sign_plus_verify", |b| b.iter(|| floor.run()));
    let call = Call::new();
    c.bench_function("query_recharge_full_call", |b| {
        b.to_async(&call.runtime)
            .iter(|| replay::query_deposit(&call.client))
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = benches
}

/// Both measured again, interleaved, so the ratio compares like with like on a busy machine;
/// the server's share of each call is measured too and taken out of the client's.
fn print_ratio() {
    let floor = rsa_floor::RsaFloor::new();
    let call = Call::new();
    let rounds = 2_000;
    let (mut rsa, mut full) = (Duration::ZERO, Duration::ZERO);
    let server_before = call.server_time.total();
    for _ in 0..rounds {
        let started = Instant::now();
        floor.run();
        rsa += started.elapsed();
        let started = Instant::now();
        call.run();
        full += started.elapsed();
    }
    let server = call.server_time.total().saturating_sub(server_before);
    let per = |total: Duration| total.as_secs_f64() * 1e6 / f64::from(rounds);
    let client = full.saturating_sub(server);
    println!(
        "interleaved over {rounds} rounds: RSA sign+verify {:.1} µs, full call {:.1} µs (ratio {:.3}), \
         of which the loopback server {:.1} µs; the client's part {:.1} µs, ratio {:.3} (overhead {:.1}%)",
        per(rsa),
        per(full),
        per(full) / per(rsa),
        per(server),
        per(client),
        per(client) / per(rsa),
        (per(client) / per(rsa) - 1.0) * 100.0
    );
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    print_ratio();
}
