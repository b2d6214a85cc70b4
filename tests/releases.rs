//! Configs written for upstream's releases (`kvbm-config` 1.2.1–1.6.1) load here with the
//! same meaning: the variable names a release reads, the `messenger` table, the `events`
//! section, figment's value syntax in variables.

mod common;

use common::{load, load_err, loader};
use kvbm_config::registry::{setting, settings};
use kvbm_config::{ProblemKind, Source};

/// The value of `key` in a load with only `vars` set, and its origin.
fn with_env(vars: &[(&str, &str)], key: &str) -> (String, Source) {
    let loaded = loader()
        .env(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .load()
        .unwrap_or_else(|e| panic!("{vars:?}: {e}"));
    let tree = figment::value::Value::serialize(&loaded.config).unwrap();
    let value = tree
        .find(key)
        .map(|v| kvbm_config::registry::render(&v))
        .unwrap_or_default();
    (value, loaded.report.origin(key))
}

/// A valid value of a setting as a variable writes it, and the context some settings need
/// (a discovery field needs its variant).
fn sample(key: &str) -> (&'static str, Vec<(&'static str, &'static str)>) {
    let kind = setting(key).unwrap().kind;
    let value = match (key, kind) {
        ("nova.backend.tcp_addr", _) => "10.0.0.5",
        ("nova.discovery.type", _) => "etcd",
        ("nova.discovery.endpoints", _) => "http://etcd-0:2379",
        ("nova.discovery.bootstrap_peers", _) => "10.0.0.1:5000",
        ("nova.discovery.path", _) => "/srv/discovery",
        ("events.policy", _) => "all",
        (_, kvbm_config::registry::Kind::Bool) => "true",
        (_, kvbm_config::registry::Kind::Float) => "4.5",
        (_, kvbm_config::registry::Kind::Unsigned(_)) => {
            // Inside the declared bounds (`max_retries` is at most 10).
            let high = setting(key).unwrap().bounds().1.unwrap_or(20).min(20);
            Box::leak(high.to_string().into_boxed_str())
        }
        _ => "eth0",
    };
    let variant = match key {
        "nova.discovery.type" | "nova.discovery.endpoints" | "nova.discovery.ttl_secs" => "etcd",
        "nova.discovery.operation_timeout_secs" | "nova.discovery.max_retries" => "etcd",
        "nova.discovery.path" => "filesystem",
        k if k.starts_with("nova.discovery.") => "p2p",
        _ => "",
    };
    let mut context = Vec::new();
    if !variant.is_empty() && key != "nova.discovery.type" {
        context.push(("KVBM_NOVA_DISCOVERY_TYPE", variant));
    }
    match variant {
        "etcd" | "p2p" if key != "nova.discovery.cluster_id" => {
            context.push(("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"))
        }
        "filesystem" if key != "nova.discovery.path" => {
            context.push(("KVBM_NOVA_DISCOVERY_PATH", "/d"))
        }
        _ => {}
    }
    if key == "nova.discovery.type" {
        context.push(("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"));
    }
    (value, context)
}

/// Every name a release reads for a setting sets it here, with the same value as the
/// setting's own variable, and the origin names the variable that was used.
#[test]
fn every_released_variable_name_sets_its_setting() {
    let mut checked = 0;
    for setting in settings() {
        for alias in setting.aliases {
            let (value, context) = sample(setting.key);
            let mut own = context.clone();
            own.push((setting.env, value));
            let mut released = context.clone();
            released.push((alias, value));
            let (by_own, _) = with_env(&own, setting.key);
            let (by_alias, origin) = with_env(&released, setting.key);
            assert_eq!(by_alias, by_own, "{alias}");
            assert_eq!(
                origin,
                Source::Env {
                    var: alias.to_string()
                },
                "{alias}"
            );
            checked += 1;
        }
    }
    // Every messenger name (3 backend, 12 discovery) and the two cache sizes.
    assert_eq!(checked, 17);
}

#[test]
fn the_released_cache_size_names_keep_the_tiers() {
    let config = load(loader().env([
        ("KVBM_CACHE_HOST_CACHE_SIZE_GB", "4"),
        ("KVBM_CACHE_DISK_CACHE_SIZE_GB", "100"),
    ]));
    assert_eq!(config.cache.host.cache_size_gb, Some(4.0));
    assert_eq!(config.cache.disk.cache_size_gb, Some(100.0));
}

#[test]
fn two_names_of_one_setting_must_agree() {
    // The same value under both names is one setting, set once.
    let config = load(loader().env([
        ("KVBM_CACHE_HOST_CACHE_SIZE_GB", "4"),
        ("KVBM_CACHE_HOST_SIZE_GB", "4.0"),
    ]));
    assert_eq!(config.cache.host.cache_size_gb, Some(4.0));
    // Different values: an error naming both variables, whatever the environment's order.
    for vars in [
        [
            ("KVBM_NOVA_BACKEND_TCP_PORT", "5000"),
            ("KVBM_MESSENGER_BACKEND_TCP_PORT", "6000"),
        ],
        [
            ("KVBM_MESSENGER_BACKEND_TCP_PORT", "6000"),
            ("KVBM_NOVA_BACKEND_TCP_PORT", "5000"),
        ],
    ] {
        let error = load_err(loader().env(vars));
        let problem = &error.problems()[0];
        assert_eq!(problem.kind, ProblemKind::Conflict);
        assert_eq!(problem.key, "nova.backend.tcp_port");
        assert_eq!(
            problem.message,
            "`KVBM_MESSENGER_BACKEND_TCP_PORT` and `KVBM_NOVA_BACKEND_TCP_PORT` both set this \
             setting, to different values; set one of them"
        );
    }
}

#[test]
fn a_misspelled_released_name_gets_its_did_you_mean() {
    let warnings = loader()
        .env([("KVBM_CACHE_HOST_CACHE_SIZE_GBB", "4")])
        .unknown_variables();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .message
            .ends_with("did you mean `KVBM_CACHE_HOST_CACHE_SIZE_GB`?"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn explain_names_the_released_variable() {
    let text = setting("cache.host.cache_size_gb").unwrap().explain();
    assert!(
        text.contains("also:       KVBM_CACHE_HOST_CACHE_SIZE_GB (as upstream's releases name it)"),
        "{text}"
    );
    let by_alias = kvbm_config::registry::lookup("KVBM_MESSENGER_BACKEND_TCP_PORT").unwrap();
    assert_eq!(by_alias.key, "nova.backend.tcp_port");
}

/// figment's value syntax, as releases read variables: lists, tables, quoted strings.
#[test]
fn figment_value_syntax_in_variables() {
    let config = load(loader().env([
        ("KVBM_NIXL_BACKENDS", "{UCX={}, GDS={threads=4}}"),
        ("KVBM_OFFLOAD_G1_TO_G2_POLICIES", "[presence]"),
        (
            "KVBM_OFFLOAD_G2_TO_G3_POLICIES",
            r#"["presence", "presence_lfu"]"#,
        ),
        ("KVBM_NOVA_DISCOVERY_TYPE", "p2p"),
        ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", r#""cluster-a""#),
        (
            "KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS",
            r#"["10.0.0.1:5000","10.0.0.2:5000"]"#,
        ),
    ]));
    assert_eq!(config.nixl.enabled_backends(), ["GDS", "UCX"]);
    assert_eq!(config.nixl.backend_params("GDS").unwrap()["threads"], "4");
    use kvbm_config::offload::OffloadPolicy::{Presence, PresenceLfu};
    assert_eq!(config.offload.g1_to_g2.policies, [Presence]);
    assert_eq!(config.offload.g2_to_g3.policies, [Presence, PresenceLfu]);
    let Some(kvbm_config::nova::DiscoveryConfig::P2p(p2p)) = config.nova.discovery else {
        panic!("p2p discovery")
    };
    assert_eq!(p2p.cluster_id, "cluster-a");
    assert_eq!(p2p.bootstrap_peers, ["10.0.0.1:5000", "10.0.0.2:5000"]);
    // The plain forms still hold.
    let config = load(loader().env([("KVBM_NIXL_BACKENDS", "ucx,gds")]));
    assert_eq!(config.nixl.enabled_backends(), ["GDS", "UCX"]);
    let config = load(loader().env([("KVBM_NIXL_BACKENDS", "[UCX, POSIX]")]));
    assert_eq!(config.nixl.enabled_backends(), ["POSIX", "UCX"]);
}

/// A value that opens a list or a table and is not one is an error naming the variable:
/// never a backend named after a bracket, never a list of bracketed words.
#[test]
fn a_malformed_list_or_table_is_an_error_naming_the_variable() {
    for (var, value) in [
        ("KVBM_NIXL_BACKENDS", "{UCX={}"),
        ("KVBM_NIXL_BACKENDS", "{UCX=4}"),
        ("KVBM_NIXL_BACKENDS", "[UCX"),
        ("KVBM_OFFLOAD_G1_TO_G2_POLICIES", "[presence, [x]]"),
        ("KVBM_NOVA_DISCOVERY_ENDPOINTS", "[http://etcd-0:2379"),
    ] {
        let error = load_err(loader().env([(var, value)]));
        let problem = &error.problems()[0];
        assert_eq!(
            problem.source,
            Source::Env {
                var: var.to_string()
            },
            "{var}={value}"
        );
        assert!(
            problem.message.starts_with("expected "),
            "{}",
            problem.message
        );
    }
}

/// figment 0.10's string reader panics or drops characters on an escape after non-ASCII
/// text (it slices at a character index); such a value is an error naming the variable,
/// and ASCII escapes and plain non-ASCII text still read.
#[test]
fn an_escape_figment_cannot_read_is_an_error_not_a_panic() {
    for (var, value) in [
        (
            "KVBM_NOVA_BACKEND_TCP_INTERFACE",
            "\"\u{d4a}\u{119a0}##\\\\\u{10740}\"",
        ),
        ("KVBM_NOVA_BACKEND_TCP_INTERFACE", "\"\u{e9}a\\tb\""),
        ("KVBM_OFFLOAD_G1_TO_G2_POLICIES", "[\"\u{e9}\\n\"]"),
        ("KVBM_NIXL_BACKENDS", "{UCX={dev=\"\u{e9}\\t\"}}"),
    ] {
        let error = load_err(loader().env([(var, value)]));
        let problem = &error.problems()[0];
        assert_eq!(
            problem.source,
            Source::Env {
                var: var.to_string()
            }
        );
        assert!(problem.message.contains("backslash"), "{}", problem.message);
    }
    let (value, _) = with_env(
        &[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "\"e\\u0074h0\"")],
        "nova.backend.tcp_interface",
    );
    assert_eq!(value, "\"eth0\"");
    let (value, _) = with_env(
        &[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "\"\u{e9}th0\"")],
        "nova.backend.tcp_interface",
    );
    assert_eq!(value, "\"\u{e9}th0\"");
}

#[test]
fn bootstrap_peers_must_be_host_and_port() {
    let error = load_err(loader().env([
        ("KVBM_NOVA_DISCOVERY_TYPE", "p2p"),
        ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
        ("KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS", "10.0.0.10"),
    ]));
    let problem = &error.problems()[0];
    assert_eq!(problem.key, "nova.discovery.bootstrap_peers");
    assert!(problem.message.contains("host:port"), "{}", problem.message);
}

/// `messenger` is `nova` in files (both spellings of discovery), JSON profiles and
/// caller-built figments; origins say the name a value was given under.
#[test]
fn the_messenger_table_is_the_nova_table() {
    let files = common::Files::new();
    let tagged = files.write(
        "tagged.toml",
        "[messenger.backend]\ntcp_port = 5555\n\n[messenger.discovery]\ntype = \"etcd\"\ncluster_id = \"prod\"\n",
    );
    let table_form = files.write(
        "table.toml",
        "[messenger.discovery.filesystem]\npath = \"/srv/peers\"\n\n[leader.messenger.backend]\ntcp_port = 6000\n",
    );
    let loaded = loader()
        .user_file(&tagged)
        .role(kvbm_config::Role::Leader)
        .load()
        .unwrap();
    assert_eq!(loaded.config.nova.backend.tcp_port, 5555);
    assert_eq!(
        loaded.report.origin("nova.backend.tcp_port").to_string(),
        format!(
            "file {}:2 (as `messenger.backend.tcp_port`)",
            tagged.display()
        )
    );
    let Some(kvbm_config::nova::DiscoveryConfig::Etcd(etcd)) = &loaded.config.nova.discovery else {
        panic!("etcd discovery")
    };
    assert_eq!(etcd.cluster_id, "prod");

    let loaded = loader()
        .user_file(&table_form)
        .role(kvbm_config::Role::Leader)
        .load()
        .unwrap();
    assert_eq!(loaded.config.nova.backend.tcp_port, 6000);
    assert_eq!(
        loaded.report.origin("nova.backend.tcp_port").to_string(),
        format!(
            "file {}:5 [leader] (as `messenger.backend.tcp_port`)",
            table_form.display()
        )
    );
    assert!(matches!(
        loaded.config.nova.discovery,
        Some(kvbm_config::nova::DiscoveryConfig::Filesystem(_))
    ));

    let json = r#"{"leader": {"messenger": {"backend": {"tcp_port": 7000}}}, "worker": {}}"#;
    let loaded = loader()
        .json(json)
        .role(kvbm_config::Role::Leader)
        .load()
        .unwrap();
    assert_eq!(loaded.config.nova.backend.tcp_port, 7000);
    assert_eq!(
        loaded.report.origin("nova.backend.tcp_port").to_string(),
        "JSON profile `leader` (as `messenger.backend.tcp_port`)"
    );
}

/// Upstream's documented override: a tuple merged on top of `figment()` under the
/// released name.
#[test]
fn a_figment_override_under_the_released_name_wins() {
    let figment = kvbm_config::Loader::new()
        .env([("KVBM_NOVA_BACKEND_TCP_PORT", "5000")])
        .figment()
        .merge(("messenger.backend.tcp_port", 8080u16))
        .merge(("tokio.worker_threads", 1usize));
    let config = kvbm_config::KvbmConfig::extract_from(figment).unwrap();
    assert_eq!(config.nova.backend.tcp_port, 8080);
}

#[test]
fn both_names_in_one_source_are_an_error_naming_both() {
    for json in [
        r#"{"nova": {"backend": {"tcp_port": 1}}, "messenger": {"backend": {"tcp_port": 2}}}"#,
        r#"{"leader": {"nova": {}, "messenger": {}}}"#,
    ] {
        let error = load_err(loader().json(json).role(kvbm_config::Role::Leader));
        let problem = &error.problems()[0];
        assert_eq!(problem.kind, ProblemKind::Conflict, "{json}");
        assert_eq!(problem.key, "messenger");
        assert!(
            problem
                .message
                .contains("`messenger` and `nova` are one table"),
            "{}",
            problem.message
        );
    }
    // In two sources they are one table merged by precedence: the JSON beats the file.
    let files = common::Files::new();
    let file = files.write("n.toml", "[nova.backend]\ntcp_port = 1\n");
    let config = load(
        loader()
            .user_file(file)
            .json(r#"{"messenger": {"backend": {"tcp_port": 2}}}"#),
    );
    assert_eq!(config.nova.backend.tcp_port, 2);
}

/// The `events` section as released: defaults, bounds, variables and file keys.
#[test]
fn the_events_section_as_released() {
    let config = load(loader().env([
        ("KVBM_EVENTS_ENABLED", "true"),
        ("KVBM_EVENTS_POLICY", "all"),
        ("KVBM_EVENTS_BATCHING_WINDOW_DURATION_MS", "25"),
    ]));
    assert!(config.events.enabled);
    assert_eq!(config.events.policy, kvbm_config::EventPolicyConfig::All);
    assert_eq!(config.events.batching.window_duration_ms, 25);
    for (json, key) in [
        (
            r#"{"events": {"channel_capacity": 15}}"#,
            "events.channel_capacity",
        ),
        (
            r#"{"events": {"channel_capacity": 65537}}"#,
            "events.channel_capacity",
        ),
        (
            r#"{"events": {"batching": {"window_duration_ms": 0}}}"#,
            "events.batching.window_duration_ms",
        ),
        (
            r#"{"events": {"batching": {"max_batch_size": 65537}}}"#,
            "events.batching.max_batch_size",
        ),
        (r#"{"events": {"policy": "every"}}"#, "events.policy"),
    ] {
        let error = load_err(loader().json(json));
        assert_eq!(error.problems()[0].key, key, "{json}");
    }
}

/// JSON `null` where upstream's releases had an `Option`, with its meaning there: NixL off,
/// no disk tier, the default thread counts; over what a lower layer set.
#[test]
fn null_means_what_it_meant_in_the_releases() {
    let files = common::Files::new();
    let file = files.write(
        "kvbm.toml",
        "[cache.disk]\ncache_size_gb = 100.0\nstorage_path = \"/mnt/g3\"\n\n[tokio]\nmax_blocking_threads = 64\n\n[rayon]\nnum_threads = 3\n\n[nixl.backends]\nGDS = {}\n",
    );
    let json = r#"{"nixl": null, "cache": {"disk": null},
                   "tokio": {"max_blocking_threads": null}, "rayon": {"num_threads": null}}"#;
    let loaded = loader().user_file(&file).json(json).load().unwrap();
    let config = &loaded.config;
    assert!(config.nixl.enabled_backends().is_empty(), "NixL off");
    assert!(!config.cache.disk.is_enabled(), "no disk tier");
    assert_eq!(config.cache.disk.storage_path, None);
    assert_eq!(config.tokio.max_blocking_threads, 512);
    assert_eq!(
        config.rayon.num_threads,
        kvbm_config::KvbmConfig::default().rayon.num_threads
    );
    for key in [
        "nixl.backends",
        "cache.disk.cache_size_gb",
        "tokio.max_blocking_threads",
    ] {
        assert_eq!(
            loaded.report.origin(key),
            Source::Json { profile: None },
            "{key}"
        );
    }
    // In a profile table too.
    let config = load(
        loader()
            .json(r#"{"worker": {"nixl": null}}"#)
            .role(kvbm_config::Role::Worker),
    );
    assert!(config.nixl.enabled_backends().is_empty());
    // `null` where the releases refused it is still refused.
    let error = load_err(loader().json(r#"{"events": null}"#));
    assert_eq!(error.problems()[0].key, "events");
}

/// The empty backend set from every source.
#[test]
fn no_backend_at_all_from_every_source() {
    let files = common::Files::new();
    let file = files.write("kvbm.toml", "[nixl.backends]\n");
    assert!(load(loader().user_file(file))
        .nixl
        .enabled_backends()
        .is_empty());
    for value in ["{}", "[]"] {
        let config = load(loader().env([("KVBM_NIXL_BACKENDS", value)]));
        assert!(config.nixl.enabled_backends().is_empty(), "{value}");
    }
    let config = load(loader().json(r#"{"nixl": {"backends": {}}}"#));
    assert!(config.nixl.enabled_backends().is_empty());
    let figment = kvbm_config::Loader::new()
        .figment()
        .merge(("nixl.backends", figment::value::Dict::new()));
    let config = kvbm_config::KvbmConfig::extract_from(figment).unwrap();
    assert!(config.nixl.enabled_backends().is_empty());
    // Set through a caller's figment, the set replaces the sources' set, as upstream's did.
    let figment = kvbm_config::Loader::new().figment().merge((
        "nixl.backends",
        std::collections::BTreeMap::from([("GDS", figment::value::Dict::new())]),
    ));
    let config = kvbm_config::KvbmConfig::extract_from(figment).unwrap();
    assert_eq!(config.nixl.enabled_backends(), ["GDS"]);
}

/// A dependent crate's section, declared foreign, loads beside KVBM's and reaches the
/// crate through the figment; undeclared, it is an unknown key, as any typo is.
#[test]
fn a_declared_foreign_section_is_left_to_its_crate() {
    let files = common::Files::new();
    let path = files.write(
        "kvbm.toml",
        "[rayon]\nnum_threads = 2\n[metrics]\nport = 9090\n[worker.metrics]\nport = 9191\n",
    );
    let undeclared = load_err(loader().user_file(&path));
    assert_eq!(undeclared.problems()[0].key, "metrics");

    for (role, port) in [(None, 9090), (Some(kvbm_config::Role::Worker), 9191)] {
        let mut declared = loader()
            .user_file(&path)
            .foreign_section("metrics")
            .env([("KVBM_METRICS_PATH", "/metrics")]);
        if let Some(role) = role {
            declared = declared.role(role);
        }
        let loaded = declared.load().unwrap();
        assert_eq!(loaded.config.rayon.num_threads, 2);
        assert!(
            loaded.report.warnings().is_empty(),
            "{:?}",
            loaded.report.warnings()
        );

        let figment = declared.figment();
        let config = kvbm_config::KvbmConfig::extract_from(&figment).unwrap();
        assert_eq!(config.rayon.num_threads, 2);
        assert_eq!(figment.extract_inner::<u16>("metrics.port").unwrap(), port);
        assert_eq!(
            figment.extract_inner::<String>("metrics.path").unwrap(),
            "/metrics"
        );
    }

    // Any other unknown key is still an error with its did-you-mean.
    let typo = files.write(
        "typo.toml",
        "[metrics]\nport = 1\n[rayom]\nnum_threads = 2\n",
    );
    let error = load_err(loader().user_file(&typo).foreign_section("metrics"));
    assert_eq!(error.problems().len(), 1, "{error}");
    assert_eq!(error.problems()[0].key, "rayom");
    assert!(
        error.to_string().contains("did you mean `rayon`"),
        "{error}"
    );

    // Without the declaration, its variables are unknown ones.
    let loaded = loader()
        .env([("KVBM_METRICS_PATH", "/metrics")])
        .load()
        .unwrap();
    assert_eq!(loaded.report.warnings()[0].key, "KVBM_METRICS_PATH");
}

/// A caller-built figment declares the sections it adds with `ForeignSections`, as
/// upstream's "dependent libraries extract their own config from the same Figment".
#[test]
fn extract_from_leaves_declared_sections_alone() {
    use figment::providers::{Format, Json};
    let section = || Json::string(r#"{"metrics": {"port": 9090}, "tokio": {"worker_threads": 1}}"#);
    let undeclared =
        kvbm_config::KvbmConfig::extract_from(loader().figment().merge(section())).unwrap_err();
    assert_eq!(undeclared.problems()[0].key, "metrics");

    let figment = loader()
        .figment()
        .merge(kvbm_config::ForeignSections::new(["metrics"]))
        .merge(section());
    let config = kvbm_config::KvbmConfig::extract_from(&figment).unwrap();
    assert_eq!(config.tokio.worker_threads, 1);
    assert_eq!(figment.extract_inner::<u16>("metrics.port").unwrap(), 9090);

    let misspelled = figment.merge(Json::string(r#"{"tokyo": {}}"#));
    let error = kvbm_config::KvbmConfig::extract_from(misspelled).unwrap_err();
    assert_eq!(error.problems()[0].key, "tokyo");
}

/// A KVBM section, its released name or a profile cannot be declared foreign: that would
/// drop KVBM's own settings in silence.
#[test]
fn a_kvbm_name_cannot_be_foreign() {
    for name in ["tokio", "messenger", "nova", "leader", "cache.host", ""] {
        let error = load_err(loader().foreign_section(name));
        assert_eq!(error.problems()[0].source, Source::Code, "{name}");
        assert!(error.to_string().contains("foreign"), "{error}");
        let figment = loader()
            .figment()
            .merge(kvbm_config::ForeignSections::new([name]));
        assert!(
            kvbm_config::KvbmConfig::extract_from(figment).is_err(),
            "{name}"
        );
    }
}

/// MIGRATING.md's "From kvbm-config 1.x" names only variables that are read here.
#[test]
fn the_release_migration_guide_names_real_variables() {
    let guide = common::repo_file("MIGRATING.md");
    let section = guide
        .split("## From kvbm-config 1.x")
        .nth(1)
        .expect("the section");
    let names: Vec<&str> = section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| code.contains("KVBM_") && !code.ends_with('*'))
        .map(|code| code.split('=').next().unwrap_or(code))
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        if name.starts_with("DYN_KVBM_") {
            assert!(kvbm_config::v1::lookup(name).is_some(), "{name}");
        } else {
            assert!(kvbm_config::registry::lookup(name).is_ok(), "{name}");
        }
    }
}

/// `worker_threads = null` meant tokio's default in the releases; here it is refused,
/// as MIGRATING.md says, naming the key.
#[test]
fn a_null_worker_thread_count_is_refused() {
    let error = load_err(loader().json(r#"{"tokio": {"worker_threads": null}}"#));
    assert_eq!(error.problems()[0].key, "tokio.worker_threads", "{error}");
}
