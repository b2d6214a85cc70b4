//! Bad input: every problem is a typed error naming the key, the value and the source;
//! nothing panics and nothing silently falls back to a default.

mod common;

use common::{load_err, loader, Files};
use kvbm_config::{FileLayer, ProblemKind, Profile, Role, Source};

#[test]
fn a_toml_typo_names_the_key_the_file_and_the_closest_key() {
    let files = Files::new();
    let path = files.write("kvbm.toml", "[cache.host]\ncache_size_gbb = 4.0\n");
    let error = load_err(loader().user_file(&path));
    let problem = error
        .problem_for("cache.host.cache_size_gbb")
        .expect("typo reported");
    assert_eq!(problem.kind, ProblemKind::UnknownKey);
    assert_eq!(problem.value.as_deref(), Some("4.0"));
    assert_eq!(
        problem.source,
        Source::File {
            path: path.clone(),
            layer: FileLayer::User,
            profile: None,
            line: Some(2),
        }
    );
    assert!(
        problem.message.contains("did you mean `cache_size_gb`?"),
        "{problem}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "cache.host.cache_size_gbb: unknown key; did you mean `cache_size_gb`? (4.0, file {}:2)",
            path.display()
        )
    );
}

#[test]
fn a_json_typo_names_the_profile() {
    let error = load_err(
        loader()
            .json(r#"{"leader": {"tokio": {"worker_thread": 2}}}"#)
            .role(Role::Leader),
    );
    let problem = error
        .problem_for("tokio.worker_thread")
        .expect("typo reported");
    assert_eq!(
        problem.source,
        Source::Json {
            profile: Some(Profile::Leader)
        }
    );
    assert!(
        error.to_string().contains("JSON profile `leader`"),
        "{error}"
    );
    assert!(problem.message.contains("`worker_threads`"), "{problem}");
}

#[test]
fn a_typo_in_the_other_role_table_is_still_an_error() {
    let error = load_err(
        loader()
            .json(r#"{"worker": {"cach": {}}}"#)
            .role(Role::Leader),
    );
    assert!(error.problem_for("cach").is_some(), "{error}");
}

#[test]
fn a_misspelled_profile_name_is_an_error_with_a_suggestion() {
    let files = Files::new();
    let path = files.write("kvbm.toml", "[leadr.tokio]\nworker_threads = 2\n");
    let error = load_err(loader().user_file(&path).role(Role::Leader));
    let problem = error.problem_for("leadr").expect("profile typo reported");
    assert!(
        problem.message.contains("did you mean `leader`?"),
        "{problem}"
    );
    let error = load_err(loader().json(r#"{"wroker": {}}"#));
    assert!(
        error
            .problem_for("wroker")
            .unwrap()
            .message
            .contains("`worker`"),
        "{error}"
    );
}

#[test]
fn problems_of_three_sources_are_reported_together() {
    let files = Files::new();
    let system = files.write("system.toml", "[tokio]\nworker_threads = \"four\"\n");
    let error = load_err(
        loader()
            .system_file(&system)
            .env([("KVBM_CACHE_HOST_NUM_BLOCKS", "lots")])
            .json(r#"{"offload": {"g1_to_g2": {"policies": ["presense"]}}}"#),
    );
    let keys: Vec<&str> = error.problems().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "tokio.worker_threads",
            "cache.host.num_blocks",
            "offload.g1_to_g2.policies"
        ],
        "{error}"
    );
    // One line a problem, each naming its key, in the order of the keys above.
    let lines: Vec<String> = error.to_string().lines().map(str::to_string).collect();
    for (line, key) in lines.iter().zip(&keys) {
        assert!(line.contains(key), "{line} should name {key}");
    }
    assert_eq!(lines.len(), keys.len(), "{error}");
    let policy = &error.problems()[2];
    assert_eq!(policy.kind, ProblemKind::InvalidValue);
    assert!(
        policy.message.contains("did you mean `presence`?"),
        "{policy}"
    );
    assert_eq!(
        error.problems()[1].source,
        Source::Env {
            var: "KVBM_CACHE_HOST_NUM_BLOCKS".into()
        }
    );
    assert_eq!(error.problems()[1].value.as_deref(), Some("\"lots\""));
}

#[test]
fn unknown_discovery_and_client_types_suggest_the_closest() {
    let error =
        load_err(loader().json(r#"{"nova": {"discovery": {"type": "etdc", "cluster_id": "c"}}}"#));
    assert!(
        error
            .problem_for("nova.discovery.type")
            .unwrap()
            .message
            .contains("`etcd`"),
        "{error}"
    );
    let error = load_err(loader().env([("KVBM_OBJECT_CLIENT_TYPE", "s4")]));
    let problem = error.problem_for("object.client.type").unwrap();
    assert_eq!(
        problem.source,
        Source::Env {
            var: "KVBM_OBJECT_CLIENT_TYPE".into()
        }
    );
}

#[test]
fn a_field_of_another_variant_is_an_error() {
    let error =
        load_err(loader().json(
            r#"{"nova": {"discovery": {"type": "filesystem", "path": "/d", "ttl_secs": 30}}}"#,
        ));
    let problem = error
        .problem_for("nova.discovery.ttl_secs")
        .expect("stray field");
    assert!(problem.message.contains("only to `etcd`"), "{problem}");
}

#[test]
fn variant_fields_without_a_type_are_an_error_naming_their_source() {
    let error = load_err(loader().env([("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c")]));
    let problem = error
        .problem_for("nova.discovery.type")
        .expect("missing type");
    assert_eq!(problem.kind, ProblemKind::Missing);
    assert_eq!(
        problem.source,
        Source::Env {
            var: "KVBM_NOVA_DISCOVERY_CLUSTER_ID".into()
        }
    );
}

#[test]
fn mixing_the_two_spellings_in_one_table_is_an_error() {
    let error = load_err(
        loader().json(r#"{"nova": {"discovery": {"etcd": {"cluster_id": "c"}, "ttl_secs": 30}}}"#),
    );
    assert_eq!(error.problems()[0].kind, ProblemKind::Conflict, "{error}");
    let error = load_err(loader().json(r#"{"object": {"client": {"s3": {}, "nixl": {}}}}"#));
    assert_eq!(error.problems()[0].key, "object.client", "{error}");
}

#[test]
fn the_same_backend_twice_ignoring_case_is_an_error() {
    let error = load_err(loader().json(r#"{"nixl": {"backends": {"ucx": {}, "UCX": {}}}}"#));
    let problem = error.problem_for("nixl.backends").expect("conflict");
    assert_eq!(problem.kind, ProblemKind::Conflict);
    let error = load_err(loader().env([("KVBM_NIXL_BACKENDS", "UCX,ucx")]));
    assert!(error.problem_for("nixl.backends").is_some(), "{error}");
}

#[test]
fn a_missing_system_file_is_skipped_but_a_malformed_one_is_an_error() {
    let files = Files::new();
    let loaded = loader()
        .system_file(files.missing("absent.toml"))
        .load()
        .expect("skipped");
    assert_eq!(loaded.config, kvbm_config::KvbmConfig::default());

    let bad = files.write("system.toml", "[tokio\nworker_threads = 1\n");
    let error = load_err(loader().system_file(&bad));
    let problem = &error.problems()[0];
    assert_eq!(problem.kind, ProblemKind::Syntax);
    assert!(problem.message.contains("line 1"), "{problem}");
    assert_eq!(
        problem.source,
        Source::File {
            path: bad,
            layer: FileLayer::System,
            profile: None,
            line: None,
        }
    );
}

#[test]
fn a_missing_or_unreadable_user_file_is_an_error_naming_the_path() {
    let files = Files::new();
    let missing = files.missing("nope.toml");
    let error = load_err(loader().env([("KVBM_CONFIG_PATH", missing.to_str().unwrap())]));
    assert_eq!(error.problems()[0].kind, ProblemKind::Io);
    assert!(
        error.to_string().contains(missing.to_str().unwrap()),
        "{error}"
    );

    let dir = files.missing("");
    let error = load_err(loader().user_file(&dir));
    assert_eq!(error.problems()[0].kind, ProblemKind::Io, "{error}");

    let binary = files.write("binary.toml", [0xff, 0xfe, 0x00]);
    let error = load_err(loader().user_file(&binary));
    assert!(error.to_string().contains("not valid UTF-8"), "{error}");
}

#[test]
fn unknown_kvbm_variables_are_warnings_with_the_closest_name() {
    let loaded = loader()
        .env([("KVBM_TOKIO_WORKER_THREAD", "2"), ("OTHER_VAR", "x")])
        .load()
        .expect("warnings only");
    let warnings = loaded.report.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .message
            .contains("did you mean `KVBM_TOKIO_WORKER_THREADS`?"),
        "{}",
        warnings[0]
    );
}

#[test]
fn wrong_types_are_errors_not_defaults() {
    let cases = [
        (
            r#"{"tokio": {"worker_threads": -1}}"#,
            "tokio.worker_threads",
        ),
        (
            r#"{"tokio": {"worker_threads": 1.5}}"#,
            "tokio.worker_threads",
        ),
        (
            r#"{"tokio": {"worker_threads": "2"}}"#,
            "tokio.worker_threads",
        ),
        (
            r#"{"nova": {"backend": {"tcp_port": 65536}}}"#,
            "nova.backend.tcp_port",
        ),
        (
            r#"{"cache": {"disk": {"use_gds": "yes"}}}"#,
            "cache.disk.use_gds",
        ),
        (r#"{"cache": {"host": 4}}"#, "cache.host"),
        (r#"{"tokio": null}"#, "tokio"),
        (
            r#"{"tokio": {"worker_threads": null}}"#,
            "tokio.worker_threads",
        ),
        (
            r#"{"offload": {"g1_to_g2": {"policies": "presence"}}}"#,
            "offload.g1_to_g2.policies",
        ),
        (
            r#"{"nixl": {"backends": {"UCX": {"threads": [1]}}}}"#,
            "nixl.backends",
        ),
        (r#"{"leader": 3}"#, "leader"),
    ];
    for (json, key) in cases {
        let error = load_err(loader().json(json));
        let problem = error
            .problem_for(key)
            .unwrap_or_else(|| panic!("{json}: no problem for {key}:\n{error}"));
        assert!(
            problem.value.is_some(),
            "{json}: the value is named: {problem}"
        );
    }
}

#[test]
fn unparsable_env_values_name_the_variable() {
    let cases = [
        ("KVBM_TOKIO_WORKER_THREADS", "-1"),
        ("KVBM_TOKIO_WORKER_THREADS", "4 threads"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "70000"),
        ("KVBM_CACHE_DISK_USE_GDS", "maybe"),
        ("KVBM_CACHE_HOST_SIZE_GB", "4GB"),
        ("KVBM_OFFLOAD_G2_TO_G3_POLICIES", "presence,lru"),
        ("KVBM_ONBOARD_MODE", "outer"),
    ];
    for (var, value) in cases {
        let error = load_err(loader().env([(var, value)]));
        let problem = &error.problems()[0];
        assert_eq!(problem.source, Source::Env { var: var.into() }, "{problem}");
        assert!(error.to_string().contains(var), "{error}");
        assert_eq!(
            problem.value.as_deref(),
            Some(format!("{value:?}").as_str())
        );
    }
}

#[cfg(unix)]
#[test]
fn a_non_utf8_env_value_is_an_error_naming_the_variable() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let value = OsString::from_vec(vec![b'4', 0xff]);
    let error = load_err(loader().env([(OsString::from("KVBM_TOKIO_WORKER_THREADS"), value)]));
    assert_eq!(
        error.problems()[0].source,
        Source::Env {
            var: "KVBM_TOKIO_WORKER_THREADS".into()
        }
    );
    // A non-UTF-8 variable that is not ours is none of our business.
    let other = OsString::from_vec(vec![0xff]);
    assert!(loader().env([(other.clone(), other)]).load().is_ok());
}

#[test]
fn hostile_documents_give_errors_not_panics() {
    let deep_json = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let deep_array = format!(
        "{{\"tokio\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let huge_key = format!("{{\"{}\": 1}}", "k".repeat(1_000_000));
    let documents = [
        deep_json,
        deep_array,
        huge_key,
        r#"{"cache": {"host": {"cache_size_gb": 1e999}}}"#.to_string(),
        r#"{"cache": {"host": {"num_blocks": 18446744073709551616}}}"#.to_string(),
        "[1, 2, 3]".to_string(),
        "\"text\"".to_string(),
        String::new(),
        "{\"tokio\": {".to_string(),
    ];
    for json in &documents {
        let error = load_err(loader().json(json.as_str()));
        for problem in error.problems() {
            assert!(matches!(problem.source, Source::Json { .. }), "{problem}");
        }
    }
    let files = Files::new();
    let deep_toml = format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_tables = format!("a = {}1{}", "{ b = ".repeat(5_000), " }".repeat(5_000));
    for (i, text) in [deep_toml, deep_tables, "\u{0}".to_string()]
        .iter()
        .enumerate()
    {
        let path = files.write(&format!("deep{i}.toml"), text);
        let error = load_err(loader().user_file(&path));
        assert!(
            error
                .problems()
                .iter()
                .all(|p| matches!(p.source, Source::File { .. })),
            "{error}"
        );
    }
}

#[test]
fn an_empty_or_broken_one_of_table_names_its_source() {
    let files = Files::new();
    let path = files.write("kvbm.toml", "[object.client]\n");
    let error = load_err(loader().user_file(&path));
    let problem = error
        .problem_for("object.client.type")
        .expect("missing type");
    assert!(
        matches!(problem.source, Source::File { line: Some(1), .. }),
        "{problem}"
    );

    let error = load_err(loader().json(r#"{"object": {"client": {"s3": {}, "x": 1}}}"#));
    assert!(
        error
            .problems()
            .iter()
            .all(|p| p.source == Source::Json { profile: None }),
        "{error}"
    );
}

#[test]
fn unknown_variables_are_the_loads_own_warnings() {
    // The environment listing (`kvbm-config env`, a launcher's pre-check) asks the loader
    // which variables name nothing, so it cannot disagree with a load.
    let env = [
        ("KVBM_TOKIO_WORKER_THREAD", "2"),
        ("KVBM_TOKIO_WORKER_THREADS", "1"),
        ("KVBM_CONFIG_PATH", "/dev/null"),
    ];
    let unknown = loader().env(env).unknown_variables();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].key, "KVBM_TOKIO_WORKER_THREAD");
    assert!(unknown[0].message.contains("KVBM_TOKIO_WORKER_THREADS"));
    let err = load_err(loader().env(env));
    assert!(err.warnings().contains(&unknown[0]));
}

#[test]
fn a_tilde_in_kvbm_config_path_expands_from_the_given_home_only() {
    let files = Files::new();
    files.write("kvbm.toml", "[tokio]\nworker_threads = 2\n");
    let home = files.missing("");
    let config = loader()
        .env([
            ("KVBM_CONFIG_PATH", std::ffi::OsStr::new("~/kvbm.toml")),
            ("HOME", home.as_os_str()),
        ])
        .load()
        .unwrap()
        .config;
    assert_eq!(config.tokio.worker_threads, 2);
    // No HOME in the given environment: the process's is not used.
    let error = load_err(loader().env([("KVBM_CONFIG_PATH", "~/kvbm.toml")]));
    assert!(error.to_string().contains("\"~/kvbm.toml\""), "{error}");
}

#[test]
fn problems_in_profile_tables_name_their_profile_and_line() {
    let files = Files::new();
    let text = "[tokio]\nworker_threads = 1\n\n[leader.cache.host]\ncache_size_gbb = 4.0\n\n\
                [worker.bogus.table]\nx = 1\n[leader.tokio]\nworker_threads = 0\n";
    let path = files.write("kvbm.toml", text);
    let error = load_err(loader().user_file(&path).role(Role::Leader));
    let at = |key: &str| match &error.problem_for(key).expect(key).source {
        Source::File { profile, line, .. } => (*profile, *line),
        other => panic!("{key}: {other:?}"),
    };
    // An unknown key of a profile table, an unknown table only implied by a header of a
    // profile the load does not apply (still checked), a known key of a profile table.
    assert_eq!(
        at("cache.host.cache_size_gbb"),
        (Some(Profile::Leader), Some(5))
    );
    assert_eq!(at("bogus"), (Some(Profile::Worker), Some(7)));
    assert_eq!(
        at("tokio.worker_threads"),
        (Some(Profile::Leader), Some(10))
    );
}
