//! Write every scenario's SVG (zh and en) and text into a folder, to look at:
//! `cargo run -p tcpsim-diagram --example render -- /tmp/diag`
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/diagrams".into());
    std::fs::create_dir_all(&dir).expect("create output folder");
    for s in tcpsim::SCENARIOS {
        let t =
            tcpsim::run(s.id, &tcpsim::defaults(s.id).expect("known id")).expect("defaults run");
        for lang in [tcpsim_diagram::Lang::Zh, tcpsim_diagram::Lang::En] {
            let opts = tcpsim_diagram::SvgOptions {
                lang,
                ..Default::default()
            };
            let path = format!("{dir}/{}.{}.svg", s.id, lang.code());
            std::fs::write(&path, tcpsim_diagram::svg(&t, &opts)).expect("write svg");
        }
        std::fs::write(format!("{dir}/{}.txt", s.id), tcpsim_diagram::text(&t))
            .expect("write text");
    }
    println!("wrote {dir}");
}
