//! Fleet agreement: the declared must-agree settings, the cross-role check, the digest and
//! the diff of two effective configs.

mod common;

use common::{loader, Files};
use kvbm_config::agreement::{differences, disagreements, must_agree, EffectiveConfig};
use kvbm_config::{KvbmConfig, Role};

const TWO_CLUSTERS: &str = r#"{
    "default": {"nova": {"discovery": {"type": "etcd", "cluster_id": "blue"}}},
    "worker": {"nova": {"discovery": {"type": "etcd", "cluster_id": "blue"}}}
}"#;

#[test]
fn the_registry_explain_and_docs_show_the_marker() {
    let keys: Vec<&str> = must_agree().map(|s| s.key).collect();
    assert!(keys.contains(&"nova.discovery.cluster_id") && keys.contains(&"cache.parallelism"));
    assert!(
        !keys.contains(&"tokio.worker_threads"),
        "threads are per process"
    );
    let explained = kvbm_config::registry::lookup("cache.parallelism")
        .unwrap()
        .explain();
    assert!(
        explained.contains(kvbm_config::registry::AGREE_TEXT),
        "{explained}"
    );
    assert!(kvbm_config::docs::reference_table().contains(kvbm_config::registry::AGREE_TEXT));
    assert!(kvbm_config::docs::template().contains(kvbm_config::registry::AGREE_TEXT));
}

#[test]
fn roles_that_disagree_name_the_key_both_values_and_both_origins() {
    let leader = loader()
        .json(r#"{"leader": {"nova": {"discovery": {"type": "etcd", "cluster_id": "blue"}}}}"#)
        .role(Role::Leader)
        .load()
        .unwrap();
    let worker = loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
            ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "green"),
        ])
        .role(Role::Worker)
        .load()
        .unwrap();
    let found = disagreements(&leader, &worker);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].to_string(),
        "nova.discovery.cluster_id: must be the same in every process, but is \"blue\" (JSON profile `leader`) and \"green\" (env KVBM_NOVA_DISCOVERY_CLUSTER_ID)"
    );
    // Per-process settings may differ freely.
    let worker = loader()
        .json(TWO_CLUSTERS)
        .role(Role::Worker)
        .load()
        .unwrap();
    let leader = loader()
        .json(TWO_CLUSTERS)
        .env([
            ("KVBM_TOKIO_WORKER_THREADS", "1"),
            ("KVBM_RAYON_NUM_THREADS", "7"),
        ])
        .role(Role::Leader)
        .load()
        .unwrap();
    assert!(disagreements(&leader, &worker).is_empty());
}

#[test]
fn a_credential_is_compared_but_never_shown() {
    let with = |password: &str| {
        loader()
            .json(format!(
                r#"{{"object": {{"client": {{"type": "s3", "endpoint_url": "http://u:{password}@minio:9000"}}}}}}"#
            ))
            .load()
            .unwrap()
    };
    let found = disagreements(&with("one-secret"), &with("two-secret"));
    assert_eq!(found.len(), 1);
    let shown = found[0].to_string();
    assert!(shown.contains("redacted credential"), "{shown}");
    assert!(
        !shown.contains("one-secret") && !shown.contains("two-secret"),
        "{shown}"
    );
    // The digest covers the redacted values: it is no oracle for guessing a password.
    assert_eq!(
        with("one-secret").config.agreement_digest(),
        with("two-secret").config.agreement_digest()
    );
}

#[test]
fn the_digest_depends_on_must_agree_values_only() {
    let mut a = KvbmConfig::default();
    a.tokio.worker_threads = 1;
    a.rayon.num_threads = 3;
    a.cache.host.cache_size_gb = Some(4.0);
    let mut b = KvbmConfig::default();
    b.tokio.max_blocking_threads = 64;
    b.nova.backend.tcp_port = 5555;
    assert_eq!(a.agreement_digest(), b.agreement_digest());
    let digest = a.agreement_digest();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 7 + 64,
        "{digest}"
    );
    b.cache.parallelism = kvbm_config::cache::CacheParallelism::ReplicatedData;
    assert_ne!(a.agreement_digest(), b.agreement_digest());
    // Stable across releases and machines: the digest of the defaults is pinned in a
    // generated file (`src/agreement/default_digest.txt`, checked by the docs test).
    let pinned = common::repo_file("src/agreement/default_digest.txt");
    assert_eq!(KvbmConfig::default().agreement_digest(), pinned.trim());
}

/// What `show --format json` writes for `config`.
fn shown(config: &KvbmConfig) -> serde_json::Value {
    kvbm_config::secret::redacted(config)
}

fn effective(value: serde_json::Value) -> EffectiveConfig {
    EffectiveConfig::from_json(&value.to_string()).unwrap()
}

#[test]
fn diff_lists_every_difference_and_marks_the_must_agree_ones() {
    let mut a = KvbmConfig::default();
    a.tokio.worker_threads = 1;
    let mut b = KvbmConfig::default();
    b.tokio.worker_threads = 2;
    b.cache.parallelism = kvbm_config::cache::CacheParallelism::ReplicatedData;
    let found = differences(&effective(shown(&a)), &effective(shown(&b))).unwrap();
    let keys: Vec<(&str, bool)> = found
        .iter()
        .map(|d| (d.setting.key, d.setting.agree))
        .collect();
    assert_eq!(
        keys,
        [("tokio.worker_threads", false), ("cache.parallelism", true)]
    );
    assert_eq!(found[0].values, [Some("1".into()), Some("2".into())]);
    assert_eq!(found[0].role, None);
    assert!(differences(&effective(shown(&a)), &effective(shown(&a)))
        .unwrap()
        .is_empty());
    let files = Files::new();
    let path = files.write("node.json", format!("\u{feff}{}", shown(&a)));
    assert!(EffectiveConfig::from_file(&path).is_ok());
}

/// Input that is not `show --format json` output is refused, never read as "no setting
/// differs": a config file, a JSON profile document, an empty list or object, a part of a
/// config, a list naming a key that is not a setting or one twice.
#[test]
fn diff_refuses_what_show_does_not_write() {
    let whole = shown(&KvbmConfig::default());
    let mut unknown_section = whole.clone();
    unknown_section["cachee"] = serde_json::json!({});
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kvbm.example.json"),
    )
    .unwrap();
    let entry = |key: &str| serde_json::json!({"key": key, "value": 1, "origin": "default"});
    for (input, expected) in [
        ("{ no".to_string(), "not JSON"),
        ("[]".to_string(), "is missing"),
        ("{}".to_string(), "is missing"),
        ("\"text\"".to_string(), "neither a config"),
        (
            r#"{"tokio": {"worker_threads": 2}}"#.to_string(),
            "is missing",
        ),
        (r#"{"leader": {"tokio": {}}}"#.to_string(), "its leader"),
        (unknown_section.to_string(), "\"cachee\" is not a section"),
        (example, "is missing"),
        (
            serde_json::json!([entry("tokio.worker_thread")]).to_string(),
            "\"tokio.worker_thread\" is not a setting",
        ),
        (
            serde_json::json!([entry("tokio.worker_threads"), entry("tokio.worker_threads")])
                .to_string(),
            "listed twice",
        ),
        (
            serde_json::json!([entry("tokio.worker_threads")]).to_string(),
            "is missing",
        ),
    ] {
        let error = EffectiveConfig::from_json(&input).unwrap_err();
        assert!(error.contains(expected), "{input}: {error}");
    }
}

/// `show --role all` output is compared role by role; one config against each role of a
/// per-role input; two per-role inputs of different roles are refused.
#[test]
fn diff_compares_per_role_output_role_by_role() {
    let mut green = KvbmConfig::default();
    green.nova.discovery = Some(kvbm_config::nova::DiscoveryConfig::Etcd(Default::default()));
    let plain = shown(&KvbmConfig::default());
    let both = |worker: &serde_json::Value| {
        effective(serde_json::json!({"leader": plain.clone(), "worker": worker.clone()}))
    };
    let found = differences(&both(&plain), &both(&shown(&green))).unwrap();
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|d| d.role == Some(Role::Worker) && d.setting.key.starts_with("nova.discovery")));
    let found = differences(&effective(plain.clone()), &both(&shown(&green))).unwrap();
    assert!(found.iter().all(|d| d.role == Some(Role::Worker)));
    let leader_only = effective(serde_json::json!({"leader": plain.clone()}));
    let error = differences(&leader_only, &both(&plain)).unwrap_err();
    assert!(error.contains("compare the same roles"), "{error}");
}

/// Agreement is by meaning: the same endpoints in another order or spelling, or the object
/// store's URL with a trailing slash or an upper-case host, agree and hash alike.
#[test]
fn endpoints_agree_by_meaning_not_by_spelling() {
    let with = |endpoints: &str, url: &str| {
        loader()
            .json(format!(
                r#"{{"nova": {{"discovery": {{"type": "etcd", "cluster_id": "c", "endpoints": {endpoints}}}}},
                    "object": {{"client": {{"type": "s3", "endpoint_url": "{url}"}}}}}}"#
            ))
            .load()
            .unwrap()
    };
    let a = with(r#"["etcd-0:2379", "etcd-1:2379"]"#, "http://minio:9000");
    let b = with(
        r#"["http://etcd-1:2379/", "HTTP://Etcd-0:2379", "etcd-0:2379"]"#,
        "HTTP://MinIO:9000/",
    );
    assert!(
        disagreements(&a, &b).is_empty(),
        "{:?}",
        disagreements(&a, &b)
    );
    assert_eq!(a.config.agreement_digest(), b.config.agreement_digest());
    let diff = differences(&effective(shown(&a.config)), &effective(shown(&b.config)));
    assert_eq!(diff.unwrap(), []);
    // Another host, port or scheme is another endpoint.
    for (endpoints, url) in [
        (r#"["etcd-0:2379", "etcd-2:2379"]"#, "http://minio:9000"),
        (r#"["etcd-0:2380", "etcd-1:2379"]"#, "http://minio:9000"),
        (r#"["etcd-0:2379", "etcd-1:2379"]"#, "https://minio:9000"),
        (
            r#"["etcd-0:2379", "etcd-1:2379"]"#,
            "http://minio:9000/kvbm",
        ),
    ] {
        let c = with(endpoints, url);
        assert_eq!(disagreements(&a, &c).len(), 1, "{endpoints} {url}");
        assert_ne!(a.config.agreement_digest(), c.config.agreement_digest());
    }
}

/// `diff` redacts what it reads, whatever wrote it: a credential-named entry of a tree
/// and a URL password of an `--origin` list are shown as `***`.
#[test]
fn diff_redacts_its_input_again() {
    let mut tree = shown(&KvbmConfig::default());
    tree["nixl"]["backends"]["OBJ"] = serde_json::json!({"secret_key": "Sup3rS3cret"});
    let entries: Vec<serde_json::Value> = kvbm_config::registry::settings()
        .iter()
        .filter(|s| s.applies_to.is_empty())
        .map(|s| {
            let value = match s.key {
                "nixl.backends" => serde_json::json!({"OBJ": {"apiKey": "An0therS3cret"}}),
                key => {
                    let mut value = &tree;
                    for part in key.split('.') {
                        value = &value[part];
                    }
                    value.clone()
                }
            };
            serde_json::json!({"key": s.key, "value": value, "origin": "default"})
        })
        .collect();
    let found = differences(
        &effective(tree),
        &effective(serde_json::Value::from(entries)),
    )
    .unwrap();
    let text = format!("{found:?}");
    assert!(
        found.iter().any(|d| d.setting.key == "nixl.backends"),
        "{text}"
    );
    assert!(
        !text.contains("Sup3rS3cret") && !text.contains("An0therS3cret"),
        "{text}"
    );
}
