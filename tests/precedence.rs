//! Precedence: defaults < system file < KVBM_CONFIG_PATH file < KVBM_* env < JSON, proven
//! for every setting of the registry (so for every documented env variable).
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use common::{loader, Files};
use figment::value::{Dict, Value};
use kvbm_config::registry::{render, settings, Kind, Setting};
use kvbm_config::{KvbmConfig, Loader, Role, Source};

/// Four distinct valid values of a setting, as TOML literals: one per layer 2..=5.
fn samples(setting: &Setting) -> [&'static str; 4] {
    match (setting.key, setting.kind) {
        ("nova.discovery.type", _) => [r#""etcd""#, r#""p2p""#, r#""filesystem""#, r#""etcd""#],
        ("object.client.type", _) => [r#""s3""#, r#""nixl""#, r#""s3""#, r#""nixl""#],
        ("nova.backend.tcp_addr", _) => [
            r#""10.0.0.1""#,
            r#""10.0.0.2""#,
            r#""::1""#,
            r#""10.0.0.4""#,
        ],
        ("object.client.endpoint_url", _) => [
            r#""http://one:9000""#,
            r#""http://two:9000""#,
            r#""https://three""#,
            r#""http://four:9000""#,
        ],
        // Four numbers inside the declared bounds: from 11, or ending at a low upper bound.
        (_, Kind::Unsigned(_)) => {
            let (low, high) = setting.bounds();
            let first = match high {
                Some(high) if high < 14 => high - 3,
                _ => low.unwrap_or(0).max(11),
            };
            std::array::from_fn(|i| &*Box::leak((first + i as u64).to_string().into_boxed_str()))
        }
        (_, Kind::Float) => ["1.5", "2.5", "3.5", "4.5"],
        (_, Kind::Bool) => ["true", "false", "true", "false"],
        (_, Kind::Text) => [r#""one""#, r#""two""#, r#""three""#, r#""four""#],
        (_, Kind::Path) => [r#""/one""#, r#""/two""#, r#""/three""#, r#""/four""#],
        (_, Kind::TextList) => [
            r#"["a:1"]"#,
            r#"["b:2"]"#,
            r#"["c:3", "d:4"]"#,
            r#"["e:5"]"#,
        ],
        // The declared names in turn (one name: the origins still tell the layers apart).
        (_, Kind::Choice(names)) => std::array::from_fn(|i| {
            let quoted = format!("{:?}", names[(i + 1) % names.len()]);
            &*Box::leak(quoted.into_boxed_str())
        }),
        (_, Kind::ChoiceList(_)) => [
            r#"["pass_all"]"#,
            r#"["presence"]"#,
            r#"["presence_lfu", "pass_all"]"#,
            r#"["presence", "presence_lfu"]"#,
        ],
        (_, Kind::Backends) => [
            "{ GDS = {} }",
            "{ UCX_MO = {} }",
            "{ OBJ = {}, POSIX = {} }",
            "{ GDS_MT = {} }",
        ],
        (key, kind) => panic!("no samples for {key} ({kind:?}): add them"),
    }
}

fn literal(text: &str) -> Value {
    let doc: Dict = toml::from_str(&format!("v = {text}")).expect("sample is TOML");
    doc["v"].clone()
}

/// The sample as an environment variable writes it.
fn env_text(value: &Value) -> String {
    match value {
        Value::String(_, s) => s.clone(),
        Value::Array(_, items) => items.iter().map(env_text).collect::<Vec<_>>().join(","),
        Value::Dict(_, dict) => dict.keys().cloned().collect::<Vec<_>>().join(","),
        other => render(other),
    }
}

fn insert(dict: &mut Dict, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            dict.insert(key.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = dict
                .entry(head.to_string())
                .or_insert_with(|| Dict::new().into());
            if let Value::Dict(_, inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

/// The settings a layer needs beside `setting` for its value to be valid: the variant type
/// and the variant's required fields.
fn context(setting: &Setting, value: &Value) -> Vec<(&'static str, Value)> {
    let variant = if setting.is_variant_tag() {
        value.as_str().expect("a type is text").to_string()
    } else {
        match setting.applies_to.first() {
            Some(v) => v.to_string(),
            None => return Vec::new(),
        }
    };
    let table = if setting.key.starts_with("nova.") {
        "nova.discovery"
    } else {
        "object.client"
    };
    let mut extra = vec![(
        if table == "nova.discovery" {
            "nova.discovery.type"
        } else {
            "object.client.type"
        },
        Value::from(variant.clone()),
    )];
    match variant.as_str() {
        "etcd" | "p2p" => extra.push(("nova.discovery.cluster_id", Value::from("c"))),
        "filesystem" => extra.push(("nova.discovery.path", Value::from("/d"))),
        _ => {}
    }
    extra.retain(|(key, _)| *key != setting.key);
    extra
}

fn layer_dict(setting: &Setting, value: &Value) -> Dict {
    let mut dict = Dict::new();
    for (key, v) in context(setting, value) {
        insert(&mut dict, key, v);
    }
    insert(&mut dict, setting.key, value.clone());
    dict
}

fn env_vars(setting: &Setting, value: &Value) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = context(setting, value)
        .into_iter()
        .map(|(key, v)| {
            let var = kvbm_config::registry::setting(key)
                .expect("context key")
                .env;
            (var.to_string(), env_text(&v))
        })
        .collect();
    vars.push((setting.env.to_string(), env_text(value)));
    vars
}

/// The value the config has at `key`, rendered like the samples.
fn effective(config: &KvbmConfig, key: &str) -> String {
    let tree = Value::serialize(config).expect("config serializes");
    tree.find(key)
        .map(|v| render(&v))
        .unwrap_or_else(|| "<unset>".into())
}

struct Layers {
    system: bool,
    user: bool,
    env: bool,
    json: bool,
}

fn load_layers(setting: &Setting, files: &Files, on: Layers) -> (String, Source) {
    let values = samples(setting).map(literal);
    let system = files.write(
        "system.toml",
        toml::to_string(&layer_dict(setting, &values[0])).unwrap(),
    );
    let user = files.write(
        "user.toml",
        toml::to_string(&layer_dict(setting, &values[1])).unwrap(),
    );
    let json = serde_json::to_string(&layer_dict(setting, &values[3])).unwrap();
    let mut env = vec![("PATH".to_string(), "/usr/bin".to_string())];
    if on.user {
        env.push(("KVBM_CONFIG_PATH".into(), user.display().to_string()));
    }
    if on.env {
        env.extend(env_vars(setting, &values[2]));
    }
    let mut loader: Loader = loader().env(env);
    if on.system {
        loader = loader.system_file(system);
    }
    if on.json {
        loader = loader.json(json);
    }
    match loader.load() {
        Ok(loaded) => (
            effective(&loaded.config, setting.key),
            loaded.report.origin(setting.key),
        ),
        Err(e) => panic!("{}: load failed:\n{e}", setting.key),
    }
}

#[test]
fn every_setting_obeys_the_five_layers() {
    let files = Files::new();
    for setting in settings() {
        let values = samples(setting).map(|s| render(&literal(s)));
        let all = |system, user, env, json| Layers {
            system,
            user,
            env,
            json,
        };

        let (value, source) = load_layers(setting, &files, all(true, true, true, true));
        assert_eq!(value, values[3], "{}: JSON beats all", setting.key);
        assert!(
            matches!(source, Source::Json { profile: None }),
            "{}: {source}",
            setting.key
        );

        let (value, source) = load_layers(setting, &files, all(true, true, true, false));
        assert_eq!(value, values[2], "{}: env beats the files", setting.key);
        assert_eq!(
            source,
            Source::Env {
                var: setting.env.to_string()
            },
            "{}",
            setting.key
        );

        let (value, source) = load_layers(setting, &files, all(true, true, false, false));
        assert_eq!(
            value, values[1],
            "{}: user file beats system file",
            setting.key
        );
        assert!(
            matches!(
                source,
                Source::File {
                    layer: kvbm_config::FileLayer::User,
                    ..
                }
            ),
            "{}",
            setting.key
        );

        let (value, source) = load_layers(setting, &files, all(true, false, false, false));
        assert_eq!(
            value, values[0],
            "{}: system file beats defaults",
            setting.key
        );
        assert!(
            matches!(
                source,
                Source::File {
                    layer: kvbm_config::FileLayer::System,
                    ..
                }
            ),
            "{}",
            setting.key
        );

        let (value, source) = load_layers(setting, &files, all(false, false, false, false));
        // A setting of an optional table the defaults leave out is unset until the table
        // is written; its declared default holds from then on.
        let default = match setting.absent_table() {
            Some(_) => None,
            None => setting.default_value().map(|v| render(&v)),
        };
        if !setting.is_variant_tag() && setting.applies_to.is_empty() {
            assert_eq!(
                Some(value),
                default.or(Some("<unset>".into())),
                "{}: default",
                setting.key
            );
        }
        assert_eq!(source, Source::Default, "{}", setting.key);
    }
}

#[test]
fn the_spec_env_table_maps_each_variable_to_its_key() {
    let spec_table = [
        ("KVBM_TOKIO_WORKER_THREADS", "tokio.worker_threads"),
        (
            "KVBM_TOKIO_MAX_BLOCKING_THREADS",
            "tokio.max_blocking_threads",
        ),
        ("KVBM_RAYON_NUM_THREADS", "rayon.num_threads"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "nova.backend.tcp_port"),
        ("KVBM_NOVA_BACKEND_TCP_ADDR", "nova.backend.tcp_addr"),
        (
            "KVBM_NOVA_BACKEND_TCP_INTERFACE",
            "nova.backend.tcp_interface",
        ),
        ("KVBM_CACHE_HOST_SIZE_GB", "cache.host.cache_size_gb"),
        ("KVBM_CACHE_HOST_NUM_BLOCKS", "cache.host.num_blocks"),
        ("KVBM_CACHE_DISK_SIZE_GB", "cache.disk.cache_size_gb"),
        ("KVBM_CACHE_DISK_NUM_BLOCKS", "cache.disk.num_blocks"),
    ];
    for (var, key) in spec_table {
        let setting = kvbm_config::registry::setting_for_env(var)
            .unwrap_or_else(|| panic!("{var} is not mapped"));
        assert_eq!(setting.key, key);
    }
    let env_names: std::collections::HashSet<&str> = settings().iter().map(|f| f.env).collect();
    assert_eq!(
        env_names.len(),
        settings().len(),
        "one variable per setting"
    );
}

#[test]
fn a_file_leader_table_never_beats_the_environment() {
    let files = Files::new();
    let user = files.write(
        "kvbm.toml",
        "[leader.tokio]\nworker_threads = 8\n[default.rayon]\nnum_threads = 5\n",
    );
    let config = common::load(
        loader()
            .user_file(user)
            .env([
                ("KVBM_TOKIO_WORKER_THREADS", "3"),
                ("KVBM_RAYON_NUM_THREADS", "4"),
            ])
            .role(Role::Leader),
    );
    assert_eq!(config.tokio.worker_threads, 3);
    assert_eq!(config.rayon.num_threads, 4);
}

#[test]
fn within_a_source_the_role_beats_default_which_beats_plain() {
    let toml = "[tokio]\nworker_threads = 2\nmax_blocking_threads = 20\n\
                [default.tokio]\nworker_threads = 3\nmax_blocking_threads = 30\n\
                [leader.tokio]\nworker_threads = 4\n";
    let files = Files::new();
    let path = files.write("kvbm.toml", toml);
    let leader = common::load(loader().user_file(&path).role(Role::Leader));
    assert_eq!(
        (
            leader.tokio.worker_threads,
            leader.tokio.max_blocking_threads
        ),
        (4, 30)
    );
    let worker = common::load(loader().user_file(&path).role(Role::Worker));
    assert_eq!(
        (
            worker.tokio.worker_threads,
            worker.tokio.max_blocking_threads
        ),
        (3, 30)
    );
    let neither = common::load(loader().user_file(&path));
    assert_eq!(neither.tokio.worker_threads, 3);
}

#[test]
fn json_default_applies_to_both_roles_and_the_role_wins() {
    let json = r#"{
        "default": { "tokio": { "worker_threads": 2 }, "rayon": { "num_threads": 6 } },
        "leader": { "tokio": { "worker_threads": 3 } }
    }"#;
    let leader = common::json_for(Role::Leader, json);
    let worker = common::json_for(Role::Worker, json);
    assert_eq!(
        (leader.tokio.worker_threads, leader.rayon.num_threads),
        (3, 6)
    );
    assert_eq!(
        (worker.tokio.worker_threads, worker.rayon.num_threads),
        (2, 6)
    );
}

#[test]
fn leader_tables_never_reach_a_worker_and_the_reverse() {
    let json = r#"{
        "leader": { "cache": { "host": { "cache_size_gb": 4.0 } } },
        "worker": { "cache": { "disk": { "cache_size_gb": 9.0 } } }
    }"#;
    let leader = common::json_for(Role::Leader, json);
    let worker = common::json_for(Role::Worker, json);
    assert_eq!(
        (
            leader.cache.host.cache_size_gb,
            leader.cache.disk.cache_size_gb
        ),
        (Some(4.0), None)
    );
    assert_eq!(
        (
            worker.cache.host.cache_size_gb,
            worker.cache.disk.cache_size_gb
        ),
        (None, Some(9.0))
    );
    let neither = common::load(loader().json(json));
    assert_eq!(neither, KvbmConfig::default());
}

#[test]
fn flat_json_works_in_the_role_loaders() {
    let json = r#"{ "tokio": { "worker_threads": 2 }, "cache": { "host": { "num_blocks": 10 } } }"#;
    for role in [Role::Leader, Role::Worker] {
        let config = common::json_for(role, json);
        assert_eq!(config.tokio.worker_threads, 2);
        assert_eq!(config.cache.host.num_blocks, Some(10));
    }
}

#[test]
fn a_source_that_sets_nixl_backends_gives_the_complete_set() {
    let files = Files::new();
    let user = files.write(
        "kvbm.toml",
        "[nixl.backends]\nucx = { threads = 4 }\ngds = {}\n",
    );
    let config = common::load(loader().user_file(&user));
    let names: Vec<&str> = config.nixl.backends.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["GDS", "UCX"],
        "POSIX from the defaults is gone; names upper-cased"
    );
    assert_eq!(
        config.nixl.backends["UCX"]["threads"], "4",
        "scalar parameters become strings"
    );

    let from_env = common::load(
        loader()
            .user_file(&user)
            .env([("KVBM_NIXL_BACKENDS", "posix")]),
    );
    assert_eq!(from_env.nixl.backends.keys().collect::<Vec<_>>(), ["POSIX"]);
}

#[test]
fn a_higher_layer_switching_the_discovery_type_replaces_the_lower_variant() {
    let files = Files::new();
    let user = files.write(
        "kvbm.toml",
        "[nova.discovery.etcd]\ncluster_id = \"c\"\nttl_secs = 30\n",
    );
    let config = common::load(loader().user_file(&user).env([
        ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
        ("KVBM_NOVA_DISCOVERY_PATH", "/shared/d.json"),
    ]));
    assert_eq!(
        config.nova.discovery,
        Some(kvbm_config::nova::DiscoveryConfig::Filesystem(
            kvbm_config::nova::FilesystemDiscoveryConfig {
                path: "/shared/d.json".into(),
                ..Default::default()
            }
        ))
    );
    // The same type merges field by field.
    let merged = common::load(
        loader()
            .user_file(&user)
            .env([("KVBM_NOVA_DISCOVERY_MAX_RETRIES", "5")]),
    );
    match merged.nova.discovery {
        Some(kvbm_config::nova::DiscoveryConfig::Etcd(etcd)) => {
            assert_eq!(
                (etcd.cluster_id.as_str(), etcd.ttl_secs, etcd.max_retries),
                ("c", 30, 5)
            );
        }
        other => panic!("expected etcd, got {other:?}"),
    }
}

#[test]
fn json_null_unsets_an_optional_section_of_a_lower_layer() {
    let files = Files::new();
    let user = files.write("kvbm.toml", "[object.client]\ntype = \"s3\"\n");
    assert!(common::load(loader().user_file(&user)).object.is_some());
    let config = common::load(
        loader()
            .user_file(&user)
            .json(r#"{ "worker": { "object": null } }"#)
            .role(Role::Worker),
    );
    assert_eq!(config.object, None);
}

#[test]
fn an_empty_env_value_counts_as_unset() {
    let loaded = loader()
        .env([
            ("KVBM_TOKIO_WORKER_THREADS", ""),
            ("KVBM_RAYON_NUM_THREADS", "  "),
        ])
        .load()
        .expect("empty values are ignored");
    assert_eq!(loaded.config, KvbmConfig::default());
    assert_eq!(loaded.report.warnings().len(), 2);
}

#[test]
fn the_config_path_variable_names_the_user_file() {
    let files = Files::new();
    let user = files.write("my-kvbm.toml", "[tokio]\nmax_blocking_threads = 7\n");
    let loaded = loader()
        .env([("KVBM_CONFIG_PATH", user.to_str().unwrap())])
        .load()
        .unwrap();
    assert_eq!(loaded.config.tokio.max_blocking_threads, 7);
    assert_eq!(
        loaded
            .report
            .origin("tokio.max_blocking_threads")
            .to_string(),
        format!("file {}:2", user.display())
    );
}
