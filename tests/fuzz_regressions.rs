//! The fuzz targets' properties on stable: every input in `fuzz/regressions/<target>/` (an
//! input that once found a bug, and a few seeds) goes through the same check as under
//! `cargo fuzz` (see the README, "Fuzzing"). CI does not fuzz; it runs these.

#[path = "../fuzz/src/check.rs"]
mod check;

fn each_input(target: &str, run: fn(&[u8])) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} fails the property", path.display());
        count += 1;
    }
    assert!(count > 0, "{} holds no input", dir.display());
}

#[test]
fn toml_file_inputs_hold() {
    each_input("toml_file", check::toml_file);
}

#[test]
fn json_document_inputs_hold() {
    each_input("json_document", check::json_document);
}

#[test]
fn environment_inputs_hold() {
    each_input("environment", check::environment);
}

#[test]
fn the_property_catches_a_leak() {
    // The check itself can fail: a rendering that shows the planted credential is caught.
    let leaked = std::panic::catch_unwind(|| {
        check::assert_not_leaked((format!("x {}", check::PLANTED), String::new()), b"");
    });
    assert!(leaked.is_err());
    let escaped = std::panic::catch_unwind(|| {
        check::assert_not_leaked(("\u{1b}[2J".to_string(), String::new()), b"");
    });
    assert!(escaped.is_err());
}
