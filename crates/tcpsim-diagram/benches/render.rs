//! Benchmarks of the outputs (criterion): every format of the largest
//! default run and of a run stopped at the segment cap (the permalink that
//! used to freeze the page: keepalive every second, watched for 1,000,000 s).
//! Also the two windowed scenarios (bundle arrows and gauges: the Send-Q
//! gauge runs the scenario again, `gauges`).
//! Run with `scripts/bench-native.sh`. The `# ` lines give each output's size.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tcpsim::{defaults, run, Trace};
use tcpsim_diagram::{svg, table_html, text, Lang, SvgOptions};

fn traces() -> Vec<(&'static str, Trace)> {
    let mut capped = defaults("keepalive-peer-alive").unwrap();
    for (k, v) in [
        ("tcp_keepalive_time", 1),
        ("tcp_keepalive_intvl", 1),
        ("observe_s", 1_000_000),
    ] {
        capped.set(k, v).unwrap();
    }
    let largest = defaults("host-crash-data-no-reboot").unwrap();
    vec![
        (
            "default-largest",
            run("host-crash-data-no-reboot", &largest).unwrap(),
        ),
        ("at-cap", run("keepalive-peer-alive", &capped).unwrap()),
        (
            "peer-hung",
            run("peer-hung", &defaults("peer-hung").unwrap()).unwrap(),
        ),
        (
            "host-crash-bulk",
            run("host-crash-bulk", &defaults("host-crash-bulk").unwrap()).unwrap(),
        ),
    ]
}

fn outputs(c: &mut Criterion) {
    for (name, t) in traces() {
        let opts = SvgOptions {
            lang: Lang::Zh,
            ..SvgOptions::default()
        };
        println!(
            "# {name}: {} segments, {} events, stop {:?}; svg {} B, text {} B, json {} B, pcap {} B, table {} B",
            t.packets.len(),
            t.events.len(),
            t.stop,
            svg(&t, &opts).len(),
            text(&t, Lang::En).len(),
            t.to_json().len(),
            tcpsim::pcap::write(&t).len(),
            table_html(&t, Lang::Zh).len()
        );
        let mut g = c.benchmark_group(name);
        g.bench_function("svg", |b| b.iter(|| svg(black_box(&t), &opts)));
        g.bench_function("text", |b| b.iter(|| text(black_box(&t), Lang::En)));
        g.bench_function("json", |b| b.iter(|| black_box(&t).to_json()));
        g.bench_function("pcap", |b| b.iter(|| tcpsim::pcap::write(black_box(&t))));
        g.bench_function("table", |b| b.iter(|| table_html(black_box(&t), Lang::Zh)));
        #[cfg(feature = "bundles")]
        g.bench_function("gauges", |b| {
            b.iter(|| tcpsim_diagram::bundle::gauges(black_box(&t)))
        });
        let p = defaults(&t.scenario).unwrap();
        g.bench_function("simulate", |b| {
            b.iter(|| run(black_box(&t.scenario), &p).unwrap())
        });
        g.finish();
    }
    // The simulation at the cap, end to end.
    let mut p = defaults("keepalive-peer-alive").unwrap();
    p.set("tcp_keepalive_time", 1).unwrap();
    p.set("tcp_keepalive_intvl", 1).unwrap();
    p.set("observe_s", 1_000_000).unwrap();
    c.bench_function("at-cap/simulate", |b| {
        b.iter(|| run("keepalive-peer-alive", black_box(&p)).unwrap())
    });
}

criterion_group!(benches, outputs);
criterion_main!(benches);
