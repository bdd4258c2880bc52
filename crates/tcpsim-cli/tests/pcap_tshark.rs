//! Every scenario's pcap, as the CLI writes it, read back by Wireshark's
//! dissector (`tshark`): no malformed packet, no bad checksum, and the same
//! flags, numbers and lengths as the JSON trace. Wireshark's own keepalive
//! detector must also flag exactly the simulator's keepalive probes (it
//! recognises SEQ = SND.UNA - 1 with at most one byte). Skipped, with a
//! message, when tshark is not installed.

use std::process::{Command, Stdio};

use tcpsim::trace::Why;

fn have_tshark() -> bool {
    Command::new("tshark")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn tshark(args: &[&str]) -> String {
    let out = Command::new("tshark")
        .args([
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
        ])
        .args(args)
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn wireshark_agrees_with_the_trace_for_every_scenario() {
    if !have_tshark() {
        println!("SKIPPED: tshark is not installed");
        return;
    }
    for s in tcpsim::SCENARIOS {
        let path = std::env::temp_dir().join(format!(
            "tcpsim-tshark-{}-{}.pcap",
            std::process::id(),
            s.id
        ));
        let f = path.to_str().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .args(["run", s.id, "--format", "pcap", "-o", f])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .args(["run", s.id, "--format", "json"])
            .output()
            .unwrap();
        let trace: tcpsim::Trace = serde_json::from_slice(&o.stdout).unwrap();

        let bad = tshark(&[
            "-r",
            f,
            "-Y",
            "_ws.malformed || _ws.expert.group == 0x01000000 || ip.checksum.status == 0 || tcp.checksum.status == 0",
        ]);
        assert!(bad.trim().is_empty(), "{}: {bad}", s.id);

        let fields = tshark(&[
            "-o",
            "tcp.relative_sequence_numbers:FALSE",
            "-r",
            f,
            "-T",
            "fields",
            "-E",
            "separator=,",
            "-e",
            "tcp.flags",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.ack",
            "-e",
            "tcp.len",
            "-e",
            "tcp.analysis.keep_alive",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
        ]);
        let lines: Vec<&str> = fields.lines().collect();
        assert_eq!(lines.len(), trace.packets.len(), "{}", s.id);
        for (line, p) in lines.iter().zip(&trace.packets) {
            let c: Vec<&str> = line.split(',').collect();
            let flags = u8::from_str_radix(c[0].trim_start_matches("0x"), 16).unwrap();
            let want: u8 = p.flags.iter().map(|f| f.bit()).sum();
            assert_eq!(flags, want, "{}: packet {} flags", s.id, p.id);
            assert_eq!(c[1], p.abs_seq.to_string(), "{}: packet {} seq", s.id, p.id);
            if !c[2].is_empty() {
                assert_eq!(c[2], p.abs_ack.to_string(), "{}: packet {} ack", s.id, p.id);
            }
            assert_eq!(c[3], p.len.to_string(), "{}: packet {} len", s.id, p.id);
            // Linux's zero-window probe (no data, SEQ = SND.UNA - 1) looks
            // like a keepalive to Wireshark, whose own zero-window-probe
            // flag wants one byte of data.
            assert_eq!(
                !c[4].is_empty(),
                matches!(p.why, Why::KeepaliveProbe | Why::ZeroWindowProbe),
                "{}: packet {} ({}): Wireshark's keepalive detector disagrees",
                s.id,
                p.id,
                p.why.as_str()
            );
            let src = p.spoofed_as.as_deref().unwrap_or(&p.src);
            let ip = |n: &str| trace.hosts.iter().find(|h| h.name == n).unwrap().ip.clone();
            assert_eq!(c[5], ip(src), "{}: packet {}", s.id, p.id);
            assert_eq!(c[6], ip(&p.dst), "{}: packet {}", s.id, p.id);
        }
        let _ = std::fs::remove_file(&path);
    }
}
