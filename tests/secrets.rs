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

/// The passwords the URL grammar must find: separators of the old word scanner, an IPv6
/// host, and a URL that does not parse.
const HARD_URLS: [(&str, &str); 4] = [
    ("http://alice:aHVudGVyMg==@etcd-0:2379", "aHVudGVyMg=="),
    ("http://alice:Hunt3r;x@[fd00::1]:2379", "Hunt3r;x"),
    ("http://minio:p,w;x(y)@minio:9000", "p,w;x(y)"),
    ("http://minio:pa/ss@minio:9000", "pa/ss"),
];

fn command(files: &Files) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("kvbm-config").unwrap();
    command
        .env_clear()
        .arg("--system-file")
        .arg(files.missing("no-system.toml"));
    command
}

/// Every exit of the command: show (TOML, JSON, `--origin` both ways), explain,
/// preflight JSON, check, and `Debug` of the load.
#[test]
fn hard_urls_print_their_password_nowhere() {
    let files = Files::new();
    for (url, password) in HARD_URLS {
        let endpoint_url = url.replace("etcd-0:2379", "minio:9000");
        let json = format!(
            r#"{{"object": {{"client": {{"type": "s3", "endpoint_url": "{endpoint_url}"}}}}}}"#
        );
        let path = files.write("extra.json", &json);
        let mut seen = String::new();
        for args in [
            &["show"][..],
            &["show", "--origin"],
            &["show", "--format", "json"],
            &["show", "--format", "json", "--origin"],
            &["explain", "object.client.endpoint_url"],
            &["check"],
            &["preflight", "--format", "json"],
            &["preflight"],
        ] {
            let output = command(&files)
                .arg("--json")
                .arg(&path)
                .args(args)
                .output()
                .unwrap();
            seen.push_str(&String::from_utf8_lossy(&output.stdout));
            seen.push_str(&String::from_utf8_lossy(&output.stderr));
        }
        seen.push_str(&rendered(loader().json(&json).load()));
        assert!(!seen.contains(password), "{url}: {seen}");
        assert!(seen.contains(":***@"), "{url}: {seen}");
    }
    // The etcd endpoints too, from a variable (a list in one value).
    let endpoints = HARD_URLS.map(|(url, _)| url).join(",");
    let text = rendered(
        loader()
            .env([
                ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
                ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
                ("KVBM_NOVA_DISCOVERY_ENDPOINTS", endpoints.as_str()),
            ])
            .load(),
    );
    for (url, password) in HARD_URLS {
        assert!(!text.contains(password), "{url}: {text}");
    }
}

/// A refused value that holds a credential is kept redacted in `Problem.value`, and the
/// message names the rule, not the value: JSON, Python and `Debug` read those fields.
#[test]
fn a_refused_value_is_nowhere_raw() {
    let error = load_err(
        loader()
            .json(r#"{"object": {"client": {"type": "https://AKIA:Sup3rSecret@example.com"}}}"#),
    );
    let problem = error.problem_for("object.client.type").expect("a problem");
    assert!(!problem.message.contains("AKIA"), "{}", problem.message);
    assert_eq!(
        problem.value.as_deref(),
        Some("\"https://AKIA:***@example.com\"")
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("Sup3rSecret"), "{debug}");
}

/// The digest hashes the redacted form: two configs that differ only in a password have
/// the same digest, so it is no offline oracle.
#[test]
fn the_digest_reveals_no_password() {
    let with = |password: &str| {
        loader()
            .json(format!(
                r#"{{"nova": {{"discovery": {{"type": "etcd", "cluster_id": "c", "endpoints": ["http://root:{password}@etcd-0:2379"]}}}}}}"#
            ))
            .load()
            .unwrap()
            .config
            .agreement_digest()
    };
    assert_eq!(with("Summer2024"), with("Winter2025"));
}

/// The world-readable check walks lists of tables (a MultiConnector's `connectors`), and
/// the `chmod` it suggests is shell-quoted.
#[test]
fn world_readable_credentials_are_found_inside_lists_and_the_fix_is_quoted() {
    let files = Files::new();
    let document = format!(
        r#"{{"kv_connector": "MultiConnector", "kv_connector_extra_config": {{"connectors": [
            {{"kv_connector": "NixlConnector"}},
            {{"kv_connector": "DynamoConnector", "kv_connector_extra_config": {{"leader": {{"nixl": {{"backends": {{"OBJ": {{"secret_key": "{SECRET}"}}}}}}}}}}}}
        ]}}}}"#
    );
    let path = world_readable(&files, "k;touch PWNED;.json", &document);
    let loaded = loader().json_file(&path).role(Role::Leader).load().unwrap();
    let warning = loaded
        .report
        .warnings()
        .iter()
        .find(|w| w.message.contains("readable by every user"))
        .expect("a warning for the connector in the list");
    assert!(warning.key.contains("connectors[1]"), "{}", warning.key);
    assert!(
        warning.message.contains("chmod 600 '"),
        "{}",
        warning.message
    );
    assert!(!rendered(Ok(loaded)).contains(SECRET));
}

/// `show` writes no raw C1 control, DEL, bidi or zero-width character, in TOML or JSON,
/// and a value with a newline stays on one line.
#[test]
fn show_writes_every_unsafe_character_escaped_and_one_line_per_value() {
    let files = Files::new();
    let hostile = "a\nforged = 1\u{7f}\u{9b}\u{202e}\u{200b}\u{2028}\u{feff}\u{ad}";
    // TOML's own escapes: the file is valid, the value hostile.
    let path = files.write(
        "kvbm.toml",
        "[nova.backend]\ntcp_interface = \"a\\nforged = 1\\u007F\\u009B\\u202E\\u200B\\u2028\\uFEFF\\u00AD\"\n",
    );
    for format in ["toml", "json"] {
        let output = command(&files)
            .env("KVBM_CONFIG_PATH", &path)
            .args(["show", "--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        let text = String::from_utf8(output.stdout).unwrap();
        for c in text.chars() {
            assert!(
                c == '\n' || !kvbm_config::secret::is_unsafe_for_terminal(c),
                "{format}: raw U+{:04X} in {text}",
                c as u32
            );
        }
        assert!(
            !text.contains("\nforged"),
            "{format}: a forged line in {text}"
        );
        if format == "toml" {
            let parsed: toml::Table =
                toml::from_str(text.trim_start_matches(|c| c != '[')).unwrap();
            assert_eq!(
                parsed["nova"]["backend"]["tcp_interface"].as_str(),
                Some(hostile)
            );
        }
    }
}

/// `env` names a value that is not UTF-8 without echoing it, and escapes every variable
/// name, v1 ones included.
#[test]
fn env_never_echoes_bytes_or_escapes() {
    let files = Files::new();
    let output = command(&files)
        .env(
            "KVBM_CACHE_HOST_CACHE_SIZE_GB",
            OsString::from_vec(b"4\xff\x1b]0;x\x07".to_vec()),
        )
        .env("DYN_KVBM_NIXL_BACKEND_X\u{1b}]0;owned\u{7}", "true")
        .env(
            "KVBM_NIXL_BACKENDS",
            format!("{{OBJ={{token=\"{SECRET}\"}}}}"),
        )
        .arg("env")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("(not valid UTF-8, not shown)"), "{text}");
    assert_escaped(&text);
    assert!(!text.contains(SECRET), "{text}");
}
