//! Hostile file sources answer at once with an error: they are never opened (FIFOs,
//! devices, directories) or never read past the cap (huge files).
#![cfg(unix)]

mod common;

use std::path::Path;

use common::{loader, Files};
use kvbm_config::ProblemKind;

fn user_file_problem(path: &Path) -> String {
    let error = loader().user_file(path).load().unwrap_err();
    let problem = &error.problems()[0];
    assert_eq!(problem.kind, ProblemKind::Io, "{error}");
    assert_eq!(
        problem.source.to_string(),
        format!("file {}", path.display())
    );
    problem.message.clone()
}

fn system_file_problem(path: &Path) -> String {
    let error = loader().system_file(path).load().unwrap_err();
    error.problems()[0].message.clone()
}

#[test]
fn a_fifo_is_refused_without_being_opened() {
    let files = Files::new();
    let fifo = files.missing("kvbm.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening a FIFO with no writer would block forever: the answer proves it was not opened.
    let message = user_file_problem(&fifo);
    assert!(
        message.contains(
            "cannot read the user config file: it is a FIFO (named pipe), not a regular file"
        ),
        "{message}"
    );
    assert!(system_file_problem(&fifo).contains("system config file: it is a FIFO"));
}

#[test]
fn devices_and_directories_are_refused() {
    let message = user_file_problem(Path::new("/dev/zero"));
    assert!(message.contains("it is a character device"), "{message}");
    let files = Files::new();
    let dir = files.missing("a-dir");
    std::fs::create_dir(&dir).unwrap();
    assert!(user_file_problem(&dir).contains("it is a directory"));
}

#[test]
fn a_file_above_the_cap_is_refused_by_its_size() {
    let files = Files::new();
    let sparse = files.missing("sparse.toml");
    let file = std::fs::File::create(&sparse).unwrap();
    file.set_len(5 << 20).unwrap();
    let message = user_file_problem(&sparse);
    assert!(
        message.contains("it is 5242880 bytes, more than the 4 MiB (4194304 bytes)"),
        "{message}"
    );
}

#[test]
fn a_json_document_above_the_cap_is_refused() {
    let json = format!(
        "{{\"rayon\": {{\"num_threads\": 1}}, \"pad\": \"{}\"}}",
        "x".repeat(5 << 20)
    );
    let error = loader().json(json).load().unwrap_err();
    assert!(error.to_string().contains("more than the 4 MiB"), "{error}");
}

#[test]
fn symlinks_are_followed_and_loops_are_errors() {
    let files = Files::new();
    let target = files.write("real.toml", "[rayon]\nnum_threads = 3\n");
    let link = files.missing("..data-link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let loaded = loader().user_file(&link).load().unwrap();
    assert_eq!(loaded.config.rayon.num_threads, 3);
    let (a, b) = (files.missing("loop-a"), files.missing("loop-b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let message = user_file_problem(&a);
    assert!(
        message.contains("cannot read the user config file"),
        "{message}"
    );
}

#[test]
fn kvbm_config_path_naming_a_device_is_an_error_naming_the_variable() {
    let error = loader()
        .env([("KVBM_CONFIG_PATH", "/dev/zero")])
        .load()
        .unwrap_err();
    let problem = error.problem_for("KVBM_CONFIG_PATH").expect("problem");
    assert!(problem.message.contains("character device"), "{problem}");
}

#[test]
fn a_non_utf8_variable_name_with_our_prefix_is_a_warning() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let name = OsString::from_vec(b"KVBM_TOKIO_WORKER_\xffTHREADS".to_vec());
    let other = OsString::from_vec(b"HOME_\xff".to_vec());
    // Our prefix after a bad byte is not our prefix.
    let prefixed = OsString::from_vec(b"\xffKVBM_TOKIO_WORKER_THREADS".to_vec());
    let loaded = loader()
        .env([
            (name, OsString::from("2")),
            (other, OsString::from("x")),
            (prefixed, OsString::from("3")),
        ])
        .load()
        .unwrap();
    let warnings = loaded.report.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].key, "KVBM_TOKIO_WORKER_\u{FFFD}THREADS");
    assert!(warnings[0].message.contains("not valid UTF-8"));
}

#[test]
fn a_world_readable_file_with_a_credential_gets_a_warning_without_the_value() {
    use std::os::unix::fs::PermissionsExt;
    let files = Files::new();
    let text = "[nixl.backends.OBJ]\nsecret_key = \"hunter2\"\n\n[nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nendpoints = [\"http://kvbm:pa55@etcd:2379\"]\n";
    let path = files.write("kvbm.toml", text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loaded = loader().user_file(&path).load().unwrap();
    let exposed: Vec<_> = loaded
        .report
        .warnings()
        .iter()
        .filter(|w| w.message.contains("readable by every user"))
        .collect();
    let keys: Vec<&str> = exposed.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(
        keys,
        ["nixl.backends.OBJ.secret_key", "nova.discovery.endpoints"]
    );
    for warning in &exposed {
        let text = warning.to_string();
        assert!(
            text.contains(&format!("chmod 600 {}", path.display())),
            "{text}"
        );
        assert!(
            !text.contains("hunter2") && !text.contains("pa55"),
            "{text}"
        );
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let loaded = loader().user_file(&path).load().unwrap();
    assert!(loaded
        .report
        .warnings()
        .iter()
        .all(|w| !w.message.contains("readable by every user")));
}

#[test]
fn a_config_error_carries_the_loads_warnings() {
    let error = loader()
        .env([
            ("KVBM_TOKIO_WORKER_THREAD", "2"),
            ("KVBM_RAYON_NUM_THREADS", "0"),
        ])
        .load()
        .unwrap_err();
    assert_eq!(error.problems().len(), 1);
    assert_eq!(error.warnings()[0].key, "KVBM_TOKIO_WORKER_THREAD");
}
