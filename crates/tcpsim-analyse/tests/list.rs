//! The connection list in pages, and the filter the page's worker runs at
//! each keystroke: the same connections as filtering the whole list.

use tcpsim_analyse::{read, Capture};

fn captures() -> Vec<Capture> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/subset");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    v.sort();
    v.iter()
        .map(|p| read(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

#[test]
fn pages_and_filters_equal_the_whole_list_filtered() {
    let mut checked = 0;
    for cap in captures() {
        let all = cap.connections();
        assert_eq!(all.len(), cap.connection_count());
        for (i, c) in all.iter().enumerate() {
            assert_eq!(cap.connection(i).as_ref(), Some(c));
        }
        assert_eq!(cap.connection(all.len()), None);
        assert_eq!(
            cap.page(1, 2),
            all.iter().skip(1).take(2).cloned().collect::<Vec<_>>()
        );
        assert!(cap.page(all.len() + 5, 10).is_empty());
        for q in ["", "10.", ":80 ", "FE80", "]:", "1", "no such text"] {
            for end in ["", "closed", "reset", "open", "half_closed", "unanswered"] {
                let want: Vec<_> = all
                    .iter()
                    .filter(|c| end.is_empty() || c.end.as_str() == end)
                    .filter(|c| {
                        format!("{} {}", c.client, c.server)
                            .to_lowercase()
                            .contains(&q.trim().to_lowercase())
                    })
                    .cloned()
                    .collect();
                let (n, rows) = cap.filter(q, end, 1, 2);
                assert_eq!(n, want.len(), "{q:?} {end:?}");
                assert_eq!(
                    rows,
                    want.iter().skip(1).take(2).cloned().collect::<Vec<_>>()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100);
}

/// `Capture::line`, which the CLI's list writes from, reusing its strings:
/// the same fields as the connection's line, endpoints as they display
/// (IPv4 and IPv6: the corpus subset and the IPv6 keepalive capture).
#[test]
fn a_reused_line_equals_the_connection() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/captures");
    let mut caps = captures();
    caps.push(read(&std::fs::read(dir.join("ipv6-keepalive.pcapng")).unwrap()).unwrap());
    let mut line = tcpsim_analyse::Line::default();
    let mut checked = 0;
    for cap in &caps {
        for c in cap.connections() {
            assert!(cap.line(c.index, &mut line));
            assert_eq!(line.index, c.index);
            assert_eq!(line.client, c.client.to_string());
            assert_eq!(line.server, c.server.to_string());
            assert_eq!((line.first_at, line.last_at), (c.first_at, c.last_at));
            assert_eq!(
                [
                    line.packets_from_client,
                    line.packets_from_server,
                    line.bytes_from_client,
                    line.bytes_from_server
                ],
                [
                    c.packets_from_client,
                    c.packets_from_server,
                    c.bytes_from_client,
                    c.bytes_from_server
                ]
            );
            assert_eq!(line.end, c.end);
            checked += 1;
        }
        assert!(!cap.line(cap.connection_count(), &mut line));
    }
    assert!(checked > 20, "{checked} connections");
    assert!(caps
        .iter()
        .any(|c| c.connections().iter().any(|c| c.client.ip.contains(':'))));
}
