//! The README's parameter table must say what the catalogue says.

use tcpsim::params::ALL;

#[test]
fn readme_lists_every_parameter_with_its_default_and_range() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for s in ALL {
        let row = format!(
            "| `{}` | {} | {} | {}..={} |",
            s.name, s.unit, s.default, s.min, s.max
        );
        assert!(readme.contains(&row), "README lacks or misstates: {row}");
    }
    let rows = readme
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains("..="))
        .count();
    assert_eq!(
        rows,
        ALL.len(),
        "the README lists parameters the catalogue does not have"
    );
}
