//! The `kvbm-config` command, driven as a real binary with an injected environment.
#![cfg(feature = "cli")]

mod common;

use assert_cmd::Command;
use common::Files;

/// The command with an empty environment and no system file, so tests see only what they set.
fn kvbm(files: &Files) -> Command {
    let mut command =
        Command::cargo_bin("kvbm-config").expect("the binary is built with --features cli");
    command
        .env_clear()
        .arg("--system-file")
        .arg(files.missing("no-system.toml"));
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn show_prints_the_effective_config_as_toml() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_TOKIO_MAX_BLOCKING_THREADS", "77")
        .arg("show")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let config: toml::Table = toml::from_str(&stdout(&output)).expect("TOML output");
    assert_eq!(
        config["tokio"]["max_blocking_threads"].as_integer(),
        Some(77)
    );
}

#[test]
fn show_origin_names_the_variable_the_file_line_and_the_profile() {
    let files = Files::new();
    let user = files.write("user.toml", "[rayon]\nnum_threads = 3\n");
    let json = files.write(
        "extra.json",
        r#"{"leader": {"cache": {"host": {"cache_size_gb": 2.0}}}}"#,
    );
    let output = kvbm(&files)
        .env("KVBM_TOKIO_MAX_BLOCKING_THREADS", "77")
        .args(["show", "--origin", "--role", "leader", "--json"])
        .arg(&json)
        .arg("--config")
        .arg(&user)
        .output()
        .unwrap();
    let text = stdout(&output);
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("tokio.max_blocking_threads"),
        "tokio.max_blocking_threads = 77 # env KVBM_TOKIO_MAX_BLOCKING_THREADS"
    );
    assert_eq!(
        line("rayon.num_threads"),
        format!("rayon.num_threads = 3 # file {}:2", user.display())
    );
    assert_eq!(
        line("cache.host.cache_size_gb"),
        format!(
            "cache.host.cache_size_gb = 2.0 # JSON profile `leader` ({})",
            json.display()
        )
    );
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
}

#[test]
fn show_json_is_machine_readable_for_each_role() {
    let files = Files::new();
    let output = kvbm(&files)
        .args(["--role", "all", "--json", "-", "show", "--format", "json"])
        .write_stdin(r#"{"leader": {"tokio": {"max_blocking_threads": 5}}, "worker": {"tokio": {"max_blocking_threads": 6}}}"#)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["leader"]["tokio"]["max_blocking_threads"], 5);
    assert_eq!(json["worker"]["tokio"]["max_blocking_threads"], 6);

    let origins = kvbm(&files)
        .args(["show", "--format", "json", "--origin"])
        .env("KVBM_ONBOARD_MODE", "intra")
        .output()
        .unwrap();
    let origins: serde_json::Value = serde_json::from_str(&stdout(&origins)).unwrap();
    let mode = origins
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "onboard.mode")
        .unwrap();
    // The value is a JSON value (here a string), not TOML text inside a JSON string.
    assert_eq!(
        (mode["value"].as_str(), mode["origin"].as_str()),
        (Some("intra"), Some("env KVBM_ONBOARD_MODE"))
    );
    let threads = origins
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "tokio.max_blocking_threads")
        .unwrap();
    assert_eq!(threads["value"], 512);
}

#[test]
fn show_redacts_credentials() {
    let files = Files::new();
    for args in [
        vec!["show"],
        vec!["show", "--origin"],
        vec!["show", "--format", "json"],
        vec!["env"],
        vec!["explain", "object.client.endpoint_url"],
    ] {
        let output = kvbm(&files)
            .env("KVBM_OBJECT_CLIENT_TYPE", "s3")
            .env(
                "KVBM_OBJECT_CLIENT_ENDPOINT_URL",
                "http://admin:hunter2@minio:9000",
            )
            .args(&args)
            .output()
            .unwrap();
        let all = stdout(&output) + &stderr(&output);
        assert!(all.contains("admin:***@minio"), "{args:?}: {all}");
        assert!(!all.contains("hunter2"), "{args:?} leaked: {all}");
    }
}

#[test]
fn no_env_ignores_the_environment() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_TOKIO_MAX_BLOCKING_THREADS", "77")
        .args(["--no-env", "show"])
        .output()
        .unwrap();
    let config: toml::Table = toml::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        config["tokio"]["max_blocking_threads"].as_integer(),
        Some(512)
    );
}

#[test]
fn check_exits_0_with_warnings_1_with_every_problem_and_2_on_usage_errors() {
    let files = Files::new();
    let ok = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREAD", "2")
        .args(["--role", "all", "check"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    // One verdict for the command, and nothing else on stdout; the warning both roles'
    // loads give is printed once.
    let printed = stdout(&ok);
    let verdicts: Vec<&str> = printed.lines().collect();
    assert_eq!(
        verdicts,
        ["ok: the leader and worker configs are valid and agree (1 warning)"]
    );
    assert_eq!(stderr(&ok).lines().count(), 1, "{}", stderr(&ok));
    assert!(
        stderr(&ok).contains("did you mean `KVBM_TOKIO_WORKER_THREADS`?"),
        "{}",
        stderr(&ok)
    );

    let strict = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREAD", "2")
        .args(["check", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));

    let user = files.write(
        "bad.toml",
        "[tokio]\nworker_threads = 0\n[cache.host]\ncache_size_gbb = 1.0\n",
    );
    let bad = kvbm(&files)
        .env("KVBM_RAYON_NUM_THREADS", "x")
        .arg("--config")
        .arg(&user)
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    for needle in [
        "cache.host.cache_size_gbb",
        "tokio.worker_threads",
        "KVBM_RAYON_NUM_THREADS",
    ] {
        assert!(err.contains(needle), "{needle} missing from:\n{err}");
    }

    let usage = kvbm(&files)
        .args(["check", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let missing_json = kvbm(&files)
        .args(["--json", "/no/such.json", "check"])
        .output()
        .unwrap();
    assert_eq!(
        missing_json.status.code(),
        Some(1),
        "an unreadable --json is a config that cannot be used, like an unreadable --config"
    );
    assert!(stderr(&missing_json).contains("/no/such.json"));
}

#[test]
fn explain_describes_a_setting_with_its_current_value_and_origin() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_SIZE_GB", "4")
        .args(["explain", "cache.host.cache_size_gb"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for needle in [
        "Host (G2) cache size",
        "f64",
        "KVBM_CACHE_HOST_SIZE_GB",
        "finite, > 0",
        "4.0",
        "# env KVBM_CACHE_HOST_SIZE_GB",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let by_var = kvbm(&files)
        .args(["explain", "KVBM_TOKIO_WORKER_THREADS"])
        .output()
        .unwrap();
    assert!(stdout(&by_var).starts_with("tokio.worker_threads"));

    let unknown = kvbm(&files)
        .args(["explain", "cache.host.cache_size_gbb"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean `cache.host.cache_size_gb`?"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn env_lists_every_variable_and_flags_unknown_and_v1_ones() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_NUM_BLOCKS", "64")
        .env("KVBM_CACHE_HOST_NUM_BLOCK", "64")
        .env("DYN_KVBM_CPU_CACHE_GB", "4")
        .env("DYN_KVBM_METRICS", "1")
        .arg("env")
        .output()
        .unwrap();
    let text = stdout(&output);
    for setting in kvbm_config::registry::settings() {
        assert!(text.contains(setting.env), "{} missing", setting.env);
    }
    let row = text
        .lines()
        .find(|l| l.starts_with("KVBM_CACHE_HOST_NUM_BLOCKS "))
        .unwrap();
    assert!(
        row.contains("cache.host.num_blocks") && row.ends_with("\"64\""),
        "{row}"
    );
    assert!(text.contains("unknown: KVBM_CACHE_HOST_NUM_BLOCK is not a KVBM setting, so it is ignored; did you mean `KVBM_CACHE_HOST_NUM_BLOCKS`?"), "{text}");
    assert!(
        text.contains(
            "v1: DYN_KVBM_CPU_CACHE_GB is deprecated (KVBM v1); use `KVBM_CACHE_HOST_SIZE_GB` instead"
        ),
        "{text}"
    );
    assert!(
        text.contains("v1: DYN_KVBM_METRICS is a KVBM v1 variable with no effect on this config"),
        "{text}"
    );
}

#[test]
fn template_and_schema_print_the_generated_files() {
    let files = Files::new();
    let template = kvbm(&files).arg("template").output().unwrap();
    assert_eq!(stdout(&template), kvbm_config::docs::template());
    let schema = kvbm(&files).arg("schema").output().unwrap();
    assert_eq!(
        stdout(&schema),
        kvbm_config::json_schema::document_schema_text()
    );
}

#[test]
fn preflight_passes_fails_on_memory_and_reports_a_taken_port() {
    let files = Files::new();
    let output = kvbm(&files).arg("preflight").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("0 error(s)"),
        "{}",
        stdout(&output)
    );

    // A million GB per worker cannot fit any host.
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_SIZE_GB", "1000000")
        .args(["preflight", "--workers", "8"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.lines().any(|l| l
            .starts_with("error: [worker] cache.host.cache_size_gb: 8 workers × 1000000.0 GB")
            && l.contains("GiB")
            && l.ends_with("(1000000.0, env KVBM_CACHE_HOST_SIZE_GB)")),
        "{text}"
    );

    // A port this test holds on the loopback address.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let output = kvbm(&files)
        .env("KVBM_NOVA_BACKEND_TCP_ADDR", "127.0.0.1")
        .env("KVBM_NOVA_BACKEND_TCP_PORT", &port)
        .arg("preflight")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "error: [leader] nova.backend.tcp_port: port {port} cannot be bound at 127.0.0.1:{port}"
        )),
        "{text}"
    );
    drop(listener);
}

#[test]
fn preflight_json_strict_usage_and_invalid_configs() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_CACHE_DISK_SIZE_GB", "1")
        .args(["--role", "all", "preflight", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "a warning only");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "g3-disk")
        .collect();
    // The workers allocate the tiers; the leader none.
    assert_eq!(findings.len(), 1, "the workers' only: {json}");
    for (finding, role) in findings.iter().zip(["worker"]) {
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["check"], "g3-disk");
        assert_eq!(finding["source"], "env KVBM_CACHE_DISK_SIZE_GB");
        assert_eq!(finding["role"], role);
    }
    assert!(json["host"]["memory"]["total"]
        .as_u64()
        .is_some_and(|t| t > 0));

    let strict = kvbm(&files)
        .env("KVBM_CACHE_DISK_SIZE_GB", "1")
        .args(["preflight", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));

    let usage = kvbm(&files)
        .args(["preflight", "--workers", "0"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));

    let invalid = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREADS", "0")
        .arg("preflight")
        .output()
        .unwrap();
    assert_eq!(invalid.status.code(), Some(1));
    assert!(stderr(&invalid).contains("tokio.worker_threads: must be at least 1"));

    // A machine reading stdout sees why an invalid config cannot be used.
    let invalid = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREADS", "0")
        .args(["--role", "all", "preflight", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(invalid.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&invalid.stdout).expect("JSON");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "one per role: {json}");
    for (finding, role) in findings.iter().zip(["leader", "worker"]) {
        assert_eq!(finding["check"], "config");
        assert_eq!(finding["severity"], "error");
        assert_eq!(finding["key"], "tokio.worker_threads");
        // A JSON value, not TOML text in a JSON string.
        assert_eq!(finding["value"], 0);
        assert_eq!(finding["source"], "env KVBM_TOKIO_WORKER_THREADS");
        assert_eq!(finding["role"], role);
    }
}

/// `--format json` writes each finding's value as the JSON value it is.
#[test]
fn preflight_json_values_are_json_values() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_NIXL_BACKENDS", "{UCX={}, GDS={}}")
        .env("KVBM_CACHE_DISK_STORAGE_PATH", "/no/such/dir/kvbm")
        .env("KVBM_CACHE_DISK_CACHE_SIZE_GB", "0.5")
        .args(["--role", "worker", "preflight", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let value = |key: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["value"].clone())
            .unwrap_or_else(|| panic!("no finding of {key}: {json}"))
    };
    assert_eq!(
        value("nixl.backends"),
        serde_json::json!({"GDS": {}, "UCX": {}})
    );
    assert_eq!(value("cache.disk.storage_path"), "/no/such/dir/kvbm");
}

#[test]
fn preflight_strict_gates_a_launch_without_false_alarms() {
    let files = Files::new();
    // The README's init-container command, on a default config: passes --strict.
    let output = kvbm(&files)
        .args(["--role", "all", "preflight", "--workers", "8", "--strict"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("preflight of 1 leader and 8 worker(s): 0 error(s), 0 warning(s)")
    );
    // A mistyped variable: printed, and --strict fails on it as `check --strict` does.
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_SIZE_GB_TYPO", "9")
        .args(["preflight", "--strict"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("warning: KVBM_CACHE_HOST_SIZE_GB_TYPO:"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn preflight_checks_another_hosts_facts() {
    let files = Files::new();
    let host = files.write(
        "node.json",
        r#"{"memory": {"total": 16000000000, "available": 15000000000}, "cpus": {"affinity": 64}}"#,
    );
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_SIZE_GB", "4")
        .arg("preflight")
        .arg("--host")
        .arg(&host)
        .args(["--workers", "8"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("error: [worker] cache.host.cache_size_gb: 8 workers × 4.0 GB (3.7 GiB) = 32.0 GB (29.8 GiB) exceeds the memory limit of 16.0 GB (14.9 GiB)"),
        "{text}"
    );
    // Its own output, read back, is a host too.
    let json = kvbm(&files)
        .arg("preflight")
        .arg("--host")
        .arg(&host)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let again = files.write("again.json", &json.stdout);
    let output = kvbm(&files)
        .env("KVBM_CACHE_HOST_SIZE_GB", "4")
        .arg("preflight")
        .arg("--host")
        .arg(&again)
        .args(["--workers", "8"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let bad = files.write("bad.json", "{ not json");
    let output = kvbm(&files)
        .arg("preflight")
        .arg("--host")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a wrong --host is a wrong command line"
    );
    assert!(stderr(&output).contains("bad.json"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let files = Files::new();
    for args in [
        &["preflight", "--format", "json"][..],
        &["env"],
        &["template"],
        &["schema"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kvbm-config"))
            .env_clear()
            .arg("--system-file")
            .arg(files.missing("none.toml"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the pipe before the command writes, as `| head -c0` would: every write
        // then fails with EPIPE.
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_ne!(status.code(), Some(101), "{args:?} panicked: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn hostile_paths_answer_at_once_with_their_errors() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_CONFIG_PATH", "/dev/zero")
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("it is a character device, not a regular file"));
    let fifo = files.missing("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let output = kvbm(&files)
        .arg("--config")
        .arg(&fifo)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("it is a FIFO (named pipe)"),
        "{}",
        stderr(&output)
    );
    let output = kvbm(&files)
        .arg("--json")
        .arg(&fifo)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "an unreadable --json is a config that cannot be used"
    );
    assert!(stderr(&output).contains("FIFO"));
}

#[test]
fn an_invalid_config_prints_its_warnings_after_the_problems() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREAD", "2")
        .env("KVBM_RAYON_NUM_THREADS", "0")
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    let problem = text
        .find("rayon.num_threads: must be at least 1")
        .expect("problem");
    let warning = text
        .find("warning: KVBM_TOKIO_WORKER_THREAD")
        .expect("warning");
    assert!(problem < warning, "{text}");
}

#[test]
fn json_from_a_file_names_it_and_json_text_is_accepted() {
    let files = Files::new();
    let path = files.write(
        "extra.json",
        r#"{"leader": {"tokio": {"worker_threads": 1}}}"#,
    );
    let output = kvbm(&files)
        .args(["--role", "leader", "--json"])
        .arg(&path)
        .args(["show", "--origin"])
        .output()
        .unwrap();
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.starts_with("tokio.worker_threads"))
        .unwrap();
    assert!(
        line.ends_with(&format!("# JSON profile `leader` ({})", path.display())),
        "{line}"
    );
    let output = kvbm(&files)
        .args([
            "--role",
            "leader",
            "--json",
            r#"{"leader": {"rayon": {"num_threads": 3}}}"#,
        ])
        .args(["show", "--origin"])
        .output()
        .unwrap();
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.starts_with("rayon.num_threads"))
        .unwrap();
    assert!(
        line.contains("= 3") && line.ends_with("# JSON profile `leader`"),
        "{line}"
    );
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let files = Files::new();
    for shell in ["bash", "zsh", "fish"] {
        let output = kvbm(&files).args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("preflight"), "{shell}");
    }
    let output = kvbm(&files).arg("man").output().unwrap();
    let page = stdout(&output);
    assert!(
        page.contains(".TH kvbm-config 1") && page.contains("preflight"),
        "{page}"
    );
}

#[test]
fn no_system_file_reads_none_and_dev_null_is_refused_as_a_device() {
    let mut command = Command::cargo_bin("kvbm-config").unwrap();
    let output = command
        .env_clear()
        .args(["--no-system-file", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut command = Command::cargo_bin("kvbm-config").unwrap();
    let output = command
        .env_clear()
        .args(["--system-file", "/dev/null", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("system config file: it is a character device"));
}

#[test]
fn json_on_standard_input_has_the_loaders_cap() {
    let files = Files::new();
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(5 << 20));
    let output = kvbm(&files)
        .args(["--json", "-", "check"])
        .write_stdin(big)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("it is more than the 4 MiB"), "{err}");
    assert!(
        !err.contains("it is 4194305 bytes"),
        "no invented size: {err}"
    );
}

#[test]
fn json_on_standard_input_takes_a_bom_and_is_named_in_errors() {
    let files = Files::new();
    let output = kvbm(&files)
        .args(["--json", "-", "show", "--origin"])
        .write_stdin("\u{feff}{\"tokio\": {\"worker_threads\": 1}}")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("JSON on standard input"),
        "{}",
        stdout(&output)
    );
    let output = kvbm(&files)
        .args(["--json", "-", "check"])
        .write_stdin("{\"leader\": {\"tokio\": {\"worker_threads\": 1, \"worker_threads\": 2}}}")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(
            "leader.tokio.worker_threads: is written twice in one table; each key may appear once (JSON profile `leader` (standard input))"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_role_all_digest_and_diff_catch_a_fleet_that_disagrees() {
    let files = Files::new();
    let json = r#"{"leader": {"nova": {"discovery": {"type": "etcd", "cluster_id": "blue"}}},
                   "worker": {"nova": {"discovery": {"type": "etcd", "cluster_id": "green"}}}}"#;
    let output = kvbm(&files)
        .args(["--role", "all", "--json", json, "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("nova.discovery.cluster_id: must be the same in every process, but is \"blue\" (JSON profile `leader`) and \"green\" (JSON profile `worker`)"),
        "{err}"
    );
    // Two configs that agree but differ in threads have one digest.
    let digest = |threads: &str| {
        let output = kvbm(&files)
            .env("KVBM_TOKIO_WORKER_THREADS", threads)
            .arg("digest")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        stdout(&output).trim().to_string()
    };
    assert_eq!(digest("1"), digest("2"));
    assert!(digest("1").starts_with("sha256:"));
    // diff of two nodes' `show --format json`.
    let show = |parallelism: &str| {
        let output = kvbm(&files)
            .env("KVBM_CACHE_PARALLELISM", parallelism)
            .args(["show", "--format", "json"])
            .output()
            .unwrap();
        output.stdout
    };
    let a = files.write("a.json", show("tensor_parallel"));
    let b = files.write("b.json", show("replicated_data"));
    let output = kvbm(&files).arg("diff").arg(&a).arg(&b).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output)
        .contains("must agree: cache.parallelism: \"tensor_parallel\" | \"replicated_data\""));
    let output = kvbm(&files).arg("diff").arg(&a).arg(&a).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = kvbm(&files)
        .args(["diff", "/no/such.json", "-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // preflight reports the disagreement; show and preflight print the digest.
    let output = kvbm(&files)
        .args([
            "--role",
            "all",
            "--json",
            json,
            "preflight",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["check"] == "agreement" && f["key"] == "nova.discovery.cluster_id"));
    let output = kvbm(&files).arg("preflight").output().unwrap();
    assert!(
        stdout(&output).contains(&format!("agreement digest: {}", digest("1"))),
        "{}",
        stdout(&output)
    );
    let output = kvbm(&files).arg("show").output().unwrap();
    assert!(stdout(&output).starts_with(&format!("# agreement digest: {}", digest("1"))));
}

#[test]
fn show_writes_no_raw_control_or_bidi_character() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_NOVA_DISCOVERY_TYPE", "etcd")
        .env("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "a\u{202e}b")
        .arg("show")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(text.contains("a\\u202Eb"), "TOML's own escape: {text}");
    // Still valid TOML, holding the real value.
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let parsed: toml::Table = toml::from_str(&body).unwrap();
    assert_eq!(
        parsed["nova"]["discovery"]["cluster_id"].as_str(),
        Some("a\u{202e}b")
    );
}

#[test]
fn diff_prints_origins_from_show_origin_output() {
    let files = Files::new();
    let show = |parallelism: &str| {
        kvbm(&files)
            .env("KVBM_CACHE_PARALLELISM", parallelism)
            .args(["show", "--format", "json", "--origin"])
            .output()
            .unwrap()
            .stdout
    };
    let a = files.write("a.json", show("tensor_parallel"));
    let b = files.write("b.json", show("replicated_data"));
    let output = kvbm(&files).arg("diff").arg(&a).arg(&b).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("must agree: cache.parallelism: \"tensor_parallel\" (env KVBM_CACHE_PARALLELISM) | \"replicated_data\" (env KVBM_CACHE_PARALLELISM)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn diff_reads_standard_input_with_the_loaders_cap() {
    let files = Files::new();
    let show = |parallelism: &str| {
        kvbm(&files)
            .env("KVBM_CACHE_PARALLELISM", parallelism)
            .args(["show", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let a = files.write("a.json", show("tensor_parallel"));
    let output = kvbm(&files)
        .arg("diff")
        .arg(&a)
        .arg("-")
        .write_stdin(show("replicated_data"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    // Over the cap: an error saying so, never a truncated document read as JSON.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(5 << 20));
    let output = kvbm(&files)
        .arg("diff")
        .arg(&a)
        .arg("-")
        .write_stdin(big)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("more than the 4 MiB"),
        "{}",
        stderr(&output)
    );
}

/// `diff` reads every shape `show --format json` writes: with or without `--origin`, and
/// `--role all` output role by role. One config's two forms do not differ; anything else
/// (a config file, a JSON profile document, `[]`) is refused with exit 2.
#[test]
fn diff_reads_what_show_writes_and_refuses_the_rest() {
    let files = Files::new();
    let show = |cluster: &str, extra: &[&str]| {
        let json = format!(
            r#"{{"default": {{"nova": {{"discovery": {{"type": "etcd", "cluster_id": "blue"}}}}}},
                "worker": {{"nova": {{"discovery": {{"type": "etcd", "cluster_id": "{cluster}"}}}}}}}}"#
        );
        let output = kvbm(&files)
            .args(["--role", "all", "--json", "-", "show", "--format", "json"])
            .args(extra)
            .write_stdin(json)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        output.stdout
    };
    let node_a = files.write("a.json", show("blue", &[]));
    let node_b = files.write("b.json", show("green", &[]));
    let node_b_origin = files.write("b-origin.json", show("green", &["--origin"]));
    let output = kvbm(&files)
        .arg("diff")
        .arg(&node_a)
        .arg(&node_b)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(
        stdout(&output),
        "[worker] must agree: nova.discovery.cluster_id: \"blue\" | \"green\"\n\
         1 setting(s) differ, 1 of them must agree\n"
    );
    let output = kvbm(&files)
        .arg("diff")
        .arg(&node_b)
        .arg(&node_b_origin)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        stdout(&output),
        "0 setting(s) differ, 0 of them must agree\n"
    );
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kvbm.example.json");
    let toml = files.write("kvbm.toml", "[tokio]\nworker_threads = 2\n");
    let empty = files.write("empty.json", "[]");
    for input in [example, toml, empty] {
        let output = kvbm(&files)
            .arg("diff")
            .arg(&input)
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", input.display());
        assert!(stdout(&output).is_empty(), "{}", stdout(&output));
        assert!(
            stderr(&output).contains("cannot compare"),
            "{}",
            stderr(&output)
        );
    }
}

/// `--foreign-section` leaves another crate's table alone, as `Loader::foreign_section`.
#[test]
fn check_leaves_a_declared_foreign_section_alone() {
    let files = Files::new();
    let config = files.write("kvbm.toml", "[metrics]\nport = 9090\n");
    let check = |foreign: &[&str]| {
        kvbm(&files)
            .arg("--config")
            .arg(&config)
            .args(foreign)
            .args(["check", "--strict"])
            .output()
            .unwrap()
    };
    let undeclared = check(&[]);
    assert_eq!(undeclared.status.code(), Some(1), "{}", stdout(&undeclared));
    let declared = check(&["--foreign-section", "metrics"]);
    assert_eq!(declared.status.code(), Some(0), "{}", stderr(&declared));
}

/// A host file with every fact these tests need: 64 CPUs, 512 GB, the loopback interface.
fn host64(files: &Files) -> std::path::PathBuf {
    files.write(
        "host64.json",
        r#"{"memory": {"total": 512000000000, "available": 500000000000},
            "cpus": {"affinity": 64},
            "interfaces": [{"name": "lo", "addrs": ["127.0.0.1"]}]}"#,
    )
}

/// One verdict wherever it runs: a thread count above *this* machine's CPUs is valid, and
/// is judged by preflight against the host being planned.
#[test]
fn thread_counts_are_judged_against_the_target_host_not_this_machine() {
    let files = Files::new();
    let many = (num_cpus::get() * 4).to_string();
    let check = kvbm(&files)
        .env("KVBM_TOKIO_WORKER_THREADS", &many)
        .args(["check", "--strict"])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    let preflight = |host: &std::path::Path, threads: &str| {
        kvbm(&files)
            .env("KVBM_TOKIO_WORKER_THREADS", threads)
            .arg("preflight")
            .arg("--host")
            .arg(host)
            .arg("--strict")
            .output()
            .unwrap()
    };
    let big = preflight(&host64(&files), "8");
    assert_eq!(big.status.code(), Some(0), "{}", stdout(&big));
    let small = files.write(
        "host4.json",
        r#"{"memory": {"total": 512000000000}, "cpus": {"affinity": 4}, "interfaces": []}"#,
    );
    let over = preflight(&small, "8");
    assert_eq!(over.status.code(), Some(1), "{}", stdout(&over));
    assert!(
        stdout(&over).contains(
            "warning: [leader] tokio.worker_threads: 8 threads per process on 4 usable CPUs"
        ),
        "{}",
        stdout(&over)
    );
}

/// A missing filesystem-discovery directory is preflight's finding, not the load's: `check
/// --strict` passes on a machine without it.
#[test]
fn a_missing_discovery_directory_does_not_fail_check() {
    let files = Files::new();
    let output = kvbm(&files)
        .env("KVBM_NOVA_DISCOVERY_TYPE", "filesystem")
        .env(
            "KVBM_NOVA_DISCOVERY_PATH",
            files.missing("shared").join("d.json"),
        )
        .args(["check", "--strict"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Without `--role`, preflight checks the workers' profile too: 8 workers of 65 GB each
/// do not fit a 512 GB host, even when the leader's profile is small.
#[test]
fn preflight_without_a_role_counts_the_worker_profile() {
    let files = Files::new();
    let json = files.write(
        "extra.json",
        r#"{"leader": {"cache": {"host": {"cache_size_gb": 1.0}}},
            "worker": {"cache": {"host": {"cache_size_gb": 65.0}}}}"#,
    );
    let output = kvbm(&files)
        .arg("--json")
        .arg(&json)
        .arg("preflight")
        .arg("--host")
        .arg(host64(&files))
        .args(["--workers", "8"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("error: [worker] cache.host.cache_size_gb: 8 workers × 65.0 GB"),
        "{text}"
    );
    assert!(
        text.contains("preflight of 1 leader and 8 worker(s)"),
        "{text}"
    );
}

/// A host file is strict: a misspelled fact is a usage error naming it, and a port the
/// file does not list is "could not check", which `--strict` fails.
#[test]
fn a_host_file_is_read_strictly_and_unknown_facts_are_not_passes() {
    let files = Files::new();
    let typo = files.write("typo.json", r#"{"memroy": {"total": 1}}"#);
    let output = kvbm(&files)
        .arg("preflight")
        .arg("--host")
        .arg(&typo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("memroy"), "{}", stderr(&output));

    let fixed_port = |strict: bool| {
        let mut command = kvbm(&files);
        command
            .env("KVBM_NOVA_BACKEND_TCP_ADDR", "127.0.0.1")
            .env("KVBM_NOVA_BACKEND_TCP_PORT", "6000")
            .args(["--role", "worker", "preflight", "--host"])
            .arg(host64(&files));
        if strict {
            command.arg("--strict");
        }
        command.output().unwrap()
    };
    let lenient = fixed_port(false);
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    let text = stdout(&lenient);
    assert!(
        text.contains("info: nova.backend.tcp_port: could not check: the host in"),
        "{text}"
    );
    assert!(text.contains("1 not checked"), "{text}");
    assert_eq!(fixed_port(true).status.code(), Some(1));
}
