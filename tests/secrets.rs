//! Nothing secret or hostile reaches a terminal: one redaction rule and one escaping rule
//! at every exit, and a JSON document read as strictly as a TOML file.
#![cfg(unix)]

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;

use common::{load_err, loader, Files};
use kvbm_config::{Loaded, ProblemKind, Role};

const SECRET: &str = "hunter2";

/// Every text a load can print: its error (or show_origin), the warnings, and `Debug`.
fn rendered(result: Result<Loaded, kvbm_config::ConfigError>) -> String {
    match result {
        Ok(loaded) => format!(
            "{}\n{}\n{loaded:?}",
            loaded.show_origin(),
            loaded
                .report
                .warnings()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Err(error) => format!(
            "{error}\n{}\n{error:?}",
            error
                .warnings()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn world_readable(files: &Files, name: &str, text: &str) -> std::path::PathBuf {
    let path = files.write(name, text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    path
}

#[test]
fn an_unknown_key_named_like_a_credential_hides_its_value() {
    let files = Files::new();
    let path = files.write(
        "kvbm.toml",
        format!("[object.client]\ntype = \"s3\"\naws_secret_access_key = \"{SECRET}\"\n"),
    );
    let error = load_err(loader().user_file(&path));
    let problem = error
        .problem_for("object.client.aws_secret_access_key")
        .expect("unknown key");
    assert_eq!(problem.value.as_deref(), Some("\"***\""));
    let text = rendered(Err(error));
    assert!(!text.contains(SECRET), "{text}");
    // The same in JSON.
    let json = format!(r#"{{"leader": {{"nixl": {{"api_token": "{SECRET}"}}}}}}"#);
    let text = rendered(loader().json(json).role(Role::Leader).load());
    assert!(text.contains("nixl.api_token"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn non_utf8_values_are_never_echoed() {
    let bytes = |text: &str| {
        let mut raw = text.as_bytes().to_vec();
        raw.extend_from_slice(b"\xff\xfe");
        OsString::from_vec(raw)
    };
    // A setting's variable: an error naming it, without the bytes.
    let error = load_err(loader().env([(
        OsString::from("KVBM_OBJECT_CLIENT_ENDPOINT_URL"),
        bytes(SECRET),
    )]));
    assert_eq!(error.problems()[0].kind, ProblemKind::InvalidValue);
    assert!(error
        .to_string()
        .contains("env KVBM_OBJECT_CLIENT_ENDPOINT_URL"));
    assert_eq!(error.problems()[0].value, None);
    assert!(!rendered(Err(error)).contains(SECRET));
    // A variable that sets nothing: a warning, without the bytes; the load succeeds.
    for var in ["KVBM_OBJECT_CLIENT_SECRET_KEY", "DYN_KVBM_SOMETHING_ELSE"] {
        let loaded = loader()
            .env([(OsString::from(var), bytes(SECRET))])
            .load()
            .unwrap();
        let warning = &loaded.report.warnings()[0];
        assert_eq!(warning.key, var);
        assert!(warning.message.contains("not valid UTF-8"), "{warning}");
        assert!(!rendered(Ok(loaded)).contains(SECRET));
    }
}

#[test]
fn userinfo_without_a_scheme_is_redacted_and_flagged() {
    let files = Files::new();
    let endpoint = format!("alice:{SECRET}@etcd-1:2379");
    let toml = format!(
        "[nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nendpoints = [\"{endpoint}\"]\n"
    );
    let path = world_readable(&files, "kvbm.toml", &toml);
    let loaded = loader().user_file(&path).load().unwrap();
    assert_eq!(
        loaded.config.nova.discovery.as_ref().map(|d| match d {
            kvbm_config::nova::DiscoveryConfig::Etcd(etcd) => etcd.endpoints[0].clone(),
            _ => String::new(),
        }),
        Some(endpoint.clone()),
        "the config keeps the real value"
    );
    let text = rendered(Ok(loaded));
    assert!(text.contains("alice:***@etcd-1:2379"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("nova.discovery.endpoints: holds a credential"),
        "the mode-644 file is flagged: {text}"
    );
}

#[test]
fn a_json_file_is_checked_for_world_readable_credentials() {
    let files = Files::new();
    let json = format!(
        r#"{{"worker": {{"object": {{"client": {{"type": "s3", "endpoint_url": "http://a:{SECRET}@minio:9000"}}}}}}}}"#
    );
    let path = world_readable(&files, "extra.json", &json);
    let loaded = loader().json_file(&path).role(Role::Worker).load().unwrap();
    let warning = loaded
        .report
        .warnings()
        .iter()
        .find(|w| w.message.contains("readable by every user"))
        .expect("a warning");
    assert_eq!(warning.key, "worker.object.client.endpoint_url");
    assert!(warning.to_string().contains("chmod 600"));
    assert!(!rendered(Ok(loaded)).contains(SECRET));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let loaded = loader().json_file(&path).role(Role::Worker).load().unwrap();
    assert!(loaded.report.warnings().is_empty());
}

const ESC_TITLE: &str = "\u{1b}]0;owned\u{7}";

fn assert_escaped(text: &str) {
    assert!(!text.contains('\u{1b}'), "raw ESC in: {text:?}");
    assert!(!text.contains('\u{7}'), "raw BEL in: {text:?}");
    assert!(!text.contains('\u{202e}'), "raw bidi override in: {text:?}");
}

#[test]
fn escapes_from_keys_values_variables_and_file_names_reach_no_terminal() {
    let files = Files::new();
    // A quoted key holding a terminal-title escape.
    let key = files.write(
        "key.toml",
        format!(
            "[tokio]\n\"{}\" = 1\n",
            ESC_TITLE
                .replace('\u{1b}', "\\u001b")
                .replace('\u{7}', "\\u0007")
        ),
    );
    let error = load_err(loader().user_file(&key));
    assert!(
        error.problems()[0].key.contains('\u{1b}'),
        "the key itself is kept"
    );
    let shown = error.to_string();
    assert_escaped(&shown);
    assert!(shown.contains("\\u{1b}]0;owned\\u{7}"), "{shown}");
    // A value, in a problem.
    let value = files.write("value.toml", "[onboard]\nmode = \"\\u001b[2J\\u202e\"\n");
    assert_escaped(&load_err(loader().user_file(&value)).to_string());
    // A variable name, in a warning.
    let loaded = loader().env([("KVBM_X\u{1b}[2J", "1")]).load().unwrap();
    assert_escaped(&rendered(Ok(loaded)));
    // A file name, in an error's source.
    let name = files.write("bad\u{1b}[2J.toml", "[tokio\n");
    let error = load_err(loader().user_file(&name));
    assert_escaped(&error.to_string());
    assert!(error.to_string().contains("bad\\u{1b}[2J.toml"));
}

#[test]
fn a_duplicate_json_key_is_an_error_in_every_profile() {
    for (json, key, source) in [
        (
            r#"{"tokio": {"worker_threads": 1, "worker_threads": 2}}"#,
            "tokio.worker_threads",
            "JSON text",
        ),
        (
            r#"{"default": {"tokio": {"worker_threads": 1}}, "default": {}}"#,
            "default",
            "JSON profile `default`",
        ),
        (
            r#"{"leader": {"cache": {"host": {"num_blocks": 1, "num_blocks": 1}}}}"#,
            "leader.cache.host.num_blocks",
            "JSON profile `leader`",
        ),
        (
            r#"{"worker": {"nixl": {"backends": {"UCX": {}, "UCX": {}}}}}"#,
            "worker.nixl.backends.UCX",
            "JSON profile `worker`",
        ),
    ] {
        let error = load_err(loader().json(json).role(Role::Leader));
        let problem = error
            .problem_for(key)
            .unwrap_or_else(|| panic!("{key}: {error}"));
        assert_eq!(problem.kind, ProblemKind::Syntax);
        assert_eq!(problem.source.to_string(), source, "{error}");
        assert!(problem.message.contains("written twice"), "{error}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_in_json_text_and_files() {
    let json = "\u{feff}{\"tokio\": {\"worker_threads\": 3}}";
    let loaded = loader().json(json).load().unwrap();
    assert_eq!(loaded.config.tokio.worker_threads, 3);
    let files = Files::new();
    let path = files.write("bom.json", json);
    let loaded = loader().json_file(&path).load().unwrap();
    assert_eq!(loaded.config.tokio.worker_threads, 3);
    let toml = files.write("bom.toml", "\u{feff}[tokio]\nworker_threads = 4\n");
    assert_eq!(
        loader()
            .user_file(&toml)
            .load()
            .unwrap()
            .config
            .tokio
            .worker_threads,
        4
    );
}

#[test]
fn json_syntax_errors_name_the_source_as_given() {
    let files = Files::new();
    let path = files.write("extra.json", "{ \"tokio\": ");
    let error = load_err(loader().json_file(&path));
    assert_eq!(
        error.problems()[0].source.to_string(),
        format!("JSON file {}", path.display())
    );
    let error = load_err(loader().json("{ nope"));
    assert_eq!(error.problems()[0].source.to_string(), "JSON text");
}
