//! Benchmarks of the simulator (criterion). Run with
//! `scripts/bench-native.sh`, or
//! `cargo bench -p tcpsim --bench sim -- --warm-up-time 1 --measurement-time 3`.
//!
//! * `scenario/<id>`: each scenario with its defaults, end to end (`run()`).
//! * `keepalive_time/<s>`: `keepalive-peer-dead` with `tcp_keepalive_time` 2 s
//!   and 32767 s. The event queue jumps from event to event, so both should
//!   cost about the same: cost follows events, not virtual time.
//! * `idle_keepalive/<n>`: 1,000 and 10,000 idle connections with SO_KEEPALIVE on the
//!   server, healthy peers, run through one probe cycle (every connection
//!   probed once and answered), built directly on `sim::World`. Reported as
//!   events (queue steps) per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tcpsim::sim::{Action, AppPolicy, Role, World};
use tcpsim::tcb::{SockOpts, Sysctls};
use tcpsim::time::{Instant, MS, SEC};
use tcpsim::trace::Why;
use tcpsim::{defaults, run, SCENARIOS};

fn scenarios(c: &mut Criterion) {
    let mut g = c.benchmark_group("scenario");
    for s in SCENARIOS {
        let p = defaults(s.id).expect("known scenario");
        let t = run(s.id, &p).expect("defaults run");
        println!(
            "# scenario {}: {} packets, {} events, {:.3} s virtual",
            s.id,
            t.packets.len(),
            t.events.len(),
            t.end_at
        );
        g.bench_function(s.id, |b| {
            b.iter(|| run(black_box(s.id), black_box(&p)).unwrap())
        });
    }
    g.finish();
}

fn keepalive_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("keepalive_time");
    for secs in [2i64, 32767] {
        let mut p = defaults("keepalive-peer-dead").unwrap();
        p.set("tcp_keepalive_time", secs).unwrap();
        let t = run("keepalive-peer-dead", &p).unwrap();
        println!(
            "# keepalive-peer-dead tcp_keepalive_time={secs}: {} packets, {} events, {:.1} s virtual",
            t.packets.len(),
            t.events.len(),
            t.end_at
        );
        g.bench_with_input(BenchmarkId::from_parameter(secs), &p, |b, p| {
            b.iter(|| run("keepalive-peer-dead", black_box(p)).unwrap())
        });
    }
    g.finish();
}

const CONNS: u16 = 10_000;
const FIRST_PORT: u16 = 20_000;
const KEEPIDLE: Instant = 60 * SEC;

/// Build the world: one server with keepalive, 10,000 client connections
/// opened 100 us apart (so the handshakes end within the first second).
fn many_idle(n: u16) -> World {
    let mut w = World::new(1, 10 * MS, 0);
    let client = w.add_host(Role::Client, 0x0a00_0001, Sysctls::default());
    let server = w.add_host(Role::Server, 0x0a00_0002, Sysctls::default());
    let server_app = AppPolicy {
        opts: SockOpts {
            keepalive: true,
            keepidle: KEEPIDLE,
            ..SockOpts::default()
        },
        ..AppPolicy::default()
    };
    w.at(
        0,
        Action::Listen {
            host: server,
            port: 8080,
            app: server_app,
        },
    );
    for i in 0..n {
        w.at(
            1 + i as Instant * 100,
            Action::Connect {
                host: client,
                sport: FIRST_PORT + i,
                dst: server,
                dport: 8080,
                app: AppPolicy::default(),
            },
        );
    }
    w
}

/// Run until one probe cycle is over: every connection's first probe sent
/// and answered, before any second probe is due.
fn one_probe_cycle(w: &mut World) {
    let until = KEEPIDLE + 2 * SEC;
    while let Some(t) = w.next_at() {
        if t > until {
            break;
        }
        w.step();
    }
}

fn idle_keepalive_10k(c: &mut Criterion) {
    let mut g = c.benchmark_group("idle_keepalive");
    g.sample_size(10);
    // 1,000 as well as 10,000, to show how the cost per event scales with
    // the number of connections.
    for n in [1_000, CONNS] {
        // One run up front, to print what the benchmark really does.
        let mut w = many_idle(n);
        one_probe_cycle(&mut w);
        let probes = w
            .packets
            .iter()
            .filter(|p| p.why == Why::KeepaliveProbe)
            .count();
        let steps = w.steps;
        println!(
            "# idle_keepalive/{n}: {n} connections, {probes} keepalive probes, {} packets, {steps} events",
            w.packets.len()
        );
        g.throughput(Throughput::Elements(steps));
        g.bench_function(BenchmarkId::new("one_probe_cycle", n), |b| {
            b.iter_batched(
                || many_idle(n),
                |mut w| {
                    one_probe_cycle(&mut w);
                    w
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = scenarios, keepalive_time, idle_keepalive_10k
}
criterion_main!(benches);
