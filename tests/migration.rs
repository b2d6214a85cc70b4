//! The Dynamo KVBM v1 `DYN_KVBM_*` variables: honoured just above the defaults (as in
//! upstream's releases), with deprecation warnings; those without effect are named.

mod common;

use common::{load_err, loader, Files};
use kvbm_config::object::ObjectClientConfig;
use kvbm_config::{Loaded, Loader, Source};

fn load(loader: Loader) -> Loaded {
    loader
        .load()
        .unwrap_or_else(|e| panic!("load failed:\n{e}"))
}

fn env(var: &str) -> Source {
    Source::Env { var: var.into() }
}

#[test]
fn each_v1_variable_sets_its_key_and_names_itself_as_the_origin() {
    let cases = [
        ("DYN_KVBM_CPU_CACHE_GB", "4", "cache.host.cache_size_gb"),
        (
            "DYN_KVBM_CPU_CACHE_OVERRIDE_NUM_BLOCKS",
            "100",
            "cache.host.num_blocks",
        ),
        ("DYN_KVBM_DISK_CACHE_GB", "50", "cache.disk.cache_size_gb"),
        (
            "DYN_KVBM_DISK_CACHE_OVERRIDE_NUM_BLOCKS",
            "200",
            "cache.disk.num_blocks",
        ),
        (
            "DYN_KVBM_DISK_CACHE_DIR",
            "/mnt/kvbm",
            "cache.disk.storage_path",
        ),
        (
            "DYN_KVBM_KV_EVENTS_ENABLE_CONSOLIDATOR",
            "true",
            "events.enabled",
        ),
    ];
    for (var, value, key) in cases {
        let loaded = load(loader().env([(var, value)]));
        assert_eq!(loaded.report.origin(key), env(var), "{var}");
        let entry = loaded.entries().into_iter().find(|e| e.key == key).unwrap();
        assert_eq!(
            entry
                .value
                .unwrap()
                .trim_matches('"')
                .trim_end_matches(".0"),
            value,
            "{var}"
        );
        let warning = &loaded.report.warnings()[0];
        assert_eq!(warning.key, var);
        // The replacement is the variable the registry declares for the key.
        let replacement = kvbm_config::registry::setting(key).unwrap().env;
        assert!(warning.message.contains(replacement), "{warning}");
    }
}

#[test]
fn v1_beats_the_defaults_and_loses_to_files_kvbm_variables_and_json() {
    let v1 = load(loader().env([("DYN_KVBM_CPU_CACHE_GB", "2")]));
    assert_eq!(v1.config.cache.host.cache_size_gb, Some(2.0));

    let files = Files::new();
    let user = files.write("user.toml", "[cache.host]\ncache_size_gb = 1.0\n");
    let system = files.write("system.toml", "[cache.host]\ncache_size_gb = 1.5\n");
    for (layer, loader, expected) in [
        ("system", loader().system_file(&system), 1.5),
        ("user", loader().user_file(&user), 1.0),
    ] {
        let file = load(loader.env([("DYN_KVBM_CPU_CACHE_GB", "2")]));
        assert_eq!(
            file.config.cache.host.cache_size_gb,
            Some(expected),
            "{layer}"
        );
        assert!(
            matches!(
                file.report.origin("cache.host.cache_size_gb"),
                Source::File { .. }
            ),
            "{layer}"
        );
    }

    let both = load(loader().user_file(&user).env([
        ("DYN_KVBM_CPU_CACHE_GB", "2"),
        ("KVBM_CACHE_HOST_SIZE_GB", "3"),
    ]));
    assert_eq!(both.config.cache.host.cache_size_gb, Some(3.0));
    assert_eq!(
        both.report.origin("cache.host.cache_size_gb"),
        env("KVBM_CACHE_HOST_SIZE_GB")
    );
    let warning = &both.report.warnings()[0];
    assert!(
        warning.message.contains("ignored") && warning.message.contains("KVBM_CACHE_HOST_SIZE_GB"),
        "{warning}"
    );

    let json = load(
        loader()
            .env([
                ("DYN_KVBM_CPU_CACHE_GB", "2"),
                ("KVBM_CACHE_HOST_SIZE_GB", "3"),
            ])
            .json(r#"{"cache": {"host": {"cache_size_gb": 5.0}}}"#),
    );
    assert_eq!(json.config.cache.host.cache_size_gb, Some(5.0));
}

#[test]
fn nixl_backend_switches_give_the_complete_set() {
    let switches = [
        ("DYN_KVBM_NIXL_BACKEND_GDS", "true"),
        ("DYN_KVBM_NIXL_BACKEND_UCX", "On"),
        ("DYN_KVBM_NIXL_BACKEND_POSIX", "no"),
    ];
    let loaded = load(loader().env(switches));
    assert_eq!(
        loaded.config.nixl.backends.keys().collect::<Vec<_>>(),
        ["GDS", "UCX"]
    );
    assert!(
        matches!(loaded.report.origin("nixl.backends"), Source::Env { var } if var.starts_with("DYN_KVBM_NIXL_BACKEND_"))
    );
    assert_eq!(
        loaded.report.warnings().len(),
        3,
        "one deprecation warning per variable"
    );

    // A file sits above the v1 layer: its set replaces the v1 set, as a higher source's
    // set always does.
    let files = Files::new();
    let user = files.write("user.toml", "[nixl.backends]\nPOSIX = {}\n");
    let with_file = load(loader().user_file(&user).env(switches));
    assert_eq!(
        with_file.config.nixl.backends.keys().collect::<Vec<_>>(),
        ["POSIX"]
    );

    let v2 = load(loader().env([
        ("DYN_KVBM_NIXL_BACKEND_GDS", "true"),
        ("KVBM_NIXL_BACKENDS", "POSIX"),
    ]));
    assert_eq!(
        v2.config.nixl.backends.keys().collect::<Vec<_>>(),
        ["POSIX"]
    );
}

#[test]
fn object_variables_make_an_s3_client_when_enabled() {
    let loaded = load(loader().env([
        ("DYN_KVBM_OBJECT_ENABLED", "TRUE"),
        ("DYN_KVBM_OBJECT_BUCKET", "blocks"),
        ("DYN_KVBM_OBJECT_ENDPOINT", "http://minio:9000"),
        ("DYN_KVBM_OBJECT_REGION", "eu-west-1"),
    ]));
    let client = loaded.config.object.expect("G4 on").client;
    let ObjectClientConfig::S3(s3) = client else {
        panic!("s3 expected")
    };
    assert_eq!(
        (s3.bucket.as_str(), s3.region.as_str()),
        ("blocks", "eu-west-1")
    );
    assert_eq!(s3.endpoint_url.as_deref(), Some("http://minio:9000"));
    assert!(s3.force_path_style, "an endpoint implies path-style URLs");
    assert_eq!(
        loaded.report.origin("object.client.bucket"),
        env("DYN_KVBM_OBJECT_BUCKET")
    );
    assert_eq!(
        loaded.report.origin("object.client.force_path_style"),
        env("DYN_KVBM_OBJECT_ENDPOINT")
    );
}

#[test]
fn object_variables_without_enabled_do_nothing_and_false_turns_g4_off() {
    let ignored = load(loader().env([("DYN_KVBM_OBJECT_BUCKET", "blocks")]));
    assert_eq!(ignored.config.object, None);
    assert!(ignored
        .report
        .warnings()
        .iter()
        .any(|w| w.message.contains("not set to true")));

    let off = load(loader().env([
        ("DYN_KVBM_OBJECT_ENABLED", "0"),
        ("DYN_KVBM_OBJECT_BUCKET", "blocks"),
    ]));
    assert_eq!(off.config.object, None);
    assert_eq!(off.report.origin("object"), env("DYN_KVBM_OBJECT_ENABLED"));

    // A file sits above the v1 layer: its G4 beats the v1 switch.
    let files = Files::new();
    let user = files.write("user.toml", "[object.client]\ntype = \"s3\"\n");
    let on = load(
        loader()
            .user_file(&user)
            .env([("DYN_KVBM_OBJECT_ENABLED", "0")]),
    );
    assert!(on.config.object.is_some());
}

#[test]
fn bad_v1_values_are_errors_naming_the_variable() {
    for (var, value) in [
        ("DYN_KVBM_CPU_CACHE_GB", "lots"),
        ("DYN_KVBM_DISK_CACHE_OVERRIDE_NUM_BLOCKS", "-3"),
        ("DYN_KVBM_NIXL_BACKEND_GDS", "maybe"),
        ("DYN_KVBM_OBJECT_ENABLED", "sure"),
    ] {
        let error = load_err(loader().env([(var, value)]));
        assert_eq!(error.problems()[0].source, env(var), "{error}");
        assert!(error.to_string().contains(var), "{error}");
    }
}

#[test]
fn other_dyn_kvbm_variables_are_left_alone() {
    let loaded = load(loader().env([("DYN_KVBM_SOMETHING_ELSE", "120")]));
    assert!(loaded.report.warnings().is_empty());
}

/// Every variable KVBM v1 read that this config does not hold is named, with why, and
/// changes nothing (whatever its value: it is not parsed).
#[test]
fn v1_variables_without_effect_get_a_warning_and_change_nothing() {
    let defaults = load(loader()).config;
    let no_effect = kvbm_config::v1::V1_VARS
        .iter()
        .filter(|v| v.meaning == kvbm_config::v1::V1Meaning::NoEffect);
    let mut count = 0;
    for v1 in no_effect {
        count += 1;
        let loaded = load(loader().env([(v1.var, "not-a-number")]));
        assert_eq!(loaded.config, defaults, "{}", v1.var);
        let warnings = loaded.report.warnings();
        assert_eq!(warnings.len(), 1, "{}: {warnings:?}", v1.var);
        assert_eq!(warnings[0].source, env(v1.var));
        assert!(warnings[0].message.contains("no effect"), "{}", warnings[0]);
        assert!(warnings[0].message.contains(v1.note), "{}", warnings[0]);
    }
    // The ZMQ, metrics, statistics and engine variables of kvbm 1.6.1.
    assert_eq!(count, 20);
}

/// The v1 switches set their setting on `true` and leave it on `false`.
#[test]
fn v1_switches_set_their_setting_when_true() {
    for (var, key, on) in [
        (
            "DYN_KVBM_NCCL_MLA_MODE",
            "cache.parallelism",
            "\"replicated_data\"",
        ),
        (
            "DYN_KVBM_DISABLE_DISK_OFFLOAD_FILTER",
            "offload.g1_to_g2.policies",
            "[\"pass_all\"]",
        ),
    ] {
        let value_of = |loaded: &Loaded| {
            loaded
                .entries()
                .into_iter()
                .find(|e| e.key == key)
                .and_then(|e| e.value)
                .unwrap_or_default()
        };
        let switched = load(loader().env([(var, "TRUE")]));
        assert_eq!(value_of(&switched), on, "{var}");
        assert_eq!(switched.report.origin(key), env(var), "{var}");
        let warning = &switched.report.warnings()[0];
        assert!(warning.message.contains("deprecated"), "{warning}");

        let left = load(loader().env([(var, "false")]));
        assert_ne!(value_of(&left), on, "{var}");
        assert_eq!(left.report.origin(key), Source::Default, "{var}");

        let error = load_err(loader().env([(var, "maybe")]));
        assert_eq!(error.problems()[0].source, env(var), "{error}");
    }
}

#[test]
fn every_v1_variable_maps_to_a_declared_setting() {
    for v1 in kvbm_config::v1::V1_VARS {
        let Some(key) = v1.key() else {
            assert!(v1.replacement().is_none(), "{}", v1.var);
            assert!(!v1.note.is_empty(), "{}: say why it has no effect", v1.var);
            continue;
        };
        let setting = kvbm_config::registry::setting(key)
            .unwrap_or_else(|| panic!("{}: `{key}` is not a setting", v1.var));
        let replacement = v1.replacement().unwrap();
        assert!(replacement.starts_with(setting.env), "{}", v1.var);
        assert!(replacement.starts_with("KVBM_"), "{}", v1.var);
    }
}
