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
    assert_ne!(
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
    // Stable across releases and machines: the hash of the canonical defaults.
    assert_eq!(
        KvbmConfig::default().agreement_digest(),
        KvbmConfig::default().agreement_digest()
    );
}

#[test]
fn diff_lists_every_difference_and_marks_the_must_agree_ones() {
    let a = EffectiveConfig::from_json(
        r#"{"tokio": {"worker_threads": 1}, "cache": {"parallelism": "tensor_parallel"}}"#,
    )
    .unwrap();
    let b = EffectiveConfig::from_json(
        r#"{"tokio": {"worker_threads": 2}, "cache": {"parallelism": "replicated_data"}}"#,
    )
    .unwrap();
    let found = differences(&a, &b);
    let keys: Vec<(&str, bool)> = found
        .iter()
        .map(|d| (d.setting.key, d.setting.agree))
        .collect();
    assert_eq!(
        keys,
        [("tokio.worker_threads", false), ("cache.parallelism", true)]
    );
    assert_eq!(found[0].values, [Some("1".into()), Some("2".into())]);
    let files = Files::new();
    let path = files.write("node.json", "\u{feff}{}");
    assert!(EffectiveConfig::from_file(&path).is_ok());
    assert!(EffectiveConfig::from_json("{ no").is_err());
}

#[test]
fn diff_of_show_origin_output_prints_the_origins() {
    let a = EffectiveConfig::from_json(
        r#"[{"key": "cache.parallelism", "value": "\"tensor_parallel\"", "origin": "default"},
            {"key": "tokio.worker_threads", "value": "1", "origin": "default"}]"#,
    )
    .unwrap();
    let b = EffectiveConfig::from_json(
        r#"[{"key": "cache.parallelism", "value": "\"replicated_data\"", "origin": "env KVBM_CACHE_PARALLELISM"},
            {"key": "tokio.worker_threads", "value": "1", "origin": "default"}]"#,
    )
    .unwrap();
    let found = differences(&a, &b);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].setting.key, "cache.parallelism");
    assert_eq!(
        found[0].origins,
        [
            Some("default".into()),
            Some("env KVBM_CACHE_PARALLELISM".into())
        ]
    );
}
