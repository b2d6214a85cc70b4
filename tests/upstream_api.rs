//! The names of dynamo-kvbm-config, used the way its consumers use them.
#![allow(deprecated)]
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use std::collections::BTreeMap;

use figment::providers::{Format, Json, Toml};
use figment::Figment;
use kvbm_config::{
    KvbmConfig, Loader, NixlConfig, NixlObjectConfig, NovaConfig, ObjectClientConfig, ObjectConfig,
    OnboardMode, ParallelismMode, PolicyType, PresenceLfuFilterConfig, S3ObjectConfig,
    TierOffloadConfig,
};

/// A consumer's policy factory: one function for every hop.
fn filters(tier: &TierOffloadConfig) -> Vec<String> {
    tier.policies
        .iter()
        .map(|policy| match policy {
            PolicyType::PassAll => "pass_all".to_string(),
            PolicyType::Presence => "presence".to_string(),
            PolicyType::PresenceLfu => format!("lfu>={}", tier.presence_lfu.min_lfu_count),
        })
        .collect()
}

#[test]
fn renamed_types_are_this_crates_types() {
    let parallelism: ParallelismMode = kvbm_config::cache::CacheParallelism::ReplicatedData;
    let lfu: PresenceLfuFilterConfig = kvbm_config::offload::PresenceLfuConfig {
        min_lfu_count: 3,
        ..Default::default()
    };
    let s3: S3ObjectConfig = kvbm_config::object::S3ClientConfig::default();
    let nixl: NixlObjectConfig = kvbm_config::object::NixlObjectClientConfig::default();
    let object = ObjectConfig {
        client: ObjectClientConfig::Nixl(nixl),
        ..Default::default()
    };
    let config = KvbmConfig {
        nova: NovaConfig::default(),
        nixl: NixlConfig::empty().with_backend("ucx"),
        object: Some(object),
        ..KvbmConfig::default()
    };
    assert_eq!(config.onboard.mode, OnboardMode::Inter);
    assert_eq!(parallelism, ParallelismMode::ReplicatedData);
    assert_eq!(lfu.min_lfu_count, 3);
    assert_eq!(s3.bucket, "kvbm-blocks");
    assert!(config.check().is_ok());
}

#[test]
fn one_offload_type_serves_both_hops_with_their_own_thresholds() {
    let json = r#"{"offload": {
        "g1_to_g2": {"policies": ["presence", "presence_lfu"], "presence": {}, "presence_lfu": {"min_lfu_count": 2}},
        "g2_to_g3": {"presence_lfu": {"min_lfu_count": 5}}
    }}"#;
    let config = common::load(common::loader().json(json));
    assert_eq!(filters(&config.offload.g1_to_g2), ["presence", "lfu>=2"]);
    // Setting only the threshold keeps the hop's default policy.
    assert_eq!(filters(&config.offload.g2_to_g3), ["lfu>=5"]);
    assert_eq!(config.offload.g1_to_g2.presence_lfu.min_lfu_count, 2);
    let defaults = KvbmConfig::default();
    assert_eq!(defaults.offload.g1_to_g2, TierOffloadConfig::g1_to_g2());
    assert_eq!(filters(&defaults.offload.g2_to_g3), ["lfu>=8"]);
}

#[test]
fn the_presence_lfu_warning_applies_per_hop() {
    let loaded = common::loader()
        .env([("KVBM_OFFLOAD_G1_TO_G2_PRESENCE_LFU_MIN_LFU_COUNT", "3")])
        .load()
        .unwrap();
    let warning = &loaded.report.warnings()[0];
    assert_eq!(warning.key, "offload.g1_to_g2.presence_lfu.min_lfu_count");
    assert!(
        warning.message.contains("offload.g1_to_g2.policies"),
        "{warning}"
    );
}

#[test]
fn cache_helpers_compute_blocks_and_say_whether_a_tier_is_on() {
    let config = common::load(
        common::loader()
            .json(r#"{"cache": {"host": {"cache_size_gb": 1.0}, "disk": {"num_blocks": 7}}}"#),
    );
    assert!(config.cache.host.is_enabled() && config.cache.disk.is_enabled());
    assert_eq!(config.cache.host.compute_num_blocks(1_000_000), Some(1000));
    assert_eq!(config.cache.disk.compute_num_blocks(4096), Some(7));
    assert_eq!(config.cache.host.compute_num_blocks(0), None);
    assert!(!KvbmConfig::default().cache.host.is_enabled());
}

#[test]
fn a_figment_selected_for_the_leader_applies_its_leader_tables() {
    let base = Loader::new()
        .role(kvbm_config::Role::Leader)
        .figment()
        .select("leader");
    let figment = base.merge(Toml::string(
        "[leader.tokio]\nworker_threads = 1\n[worker.rayon]\nnum_threads = 9",
    ));
    let config = KvbmConfig::extract_from(&figment).unwrap();
    assert_eq!(config.tokio.worker_threads, 1);
    assert_ne!(
        config.rayon.num_threads, 9,
        "worker tables stay out of the leader"
    );
    let plain: Figment = Loader::new()
        .figment()
        .merge(Toml::string("[leader.tokio]\nworker_threads = 1"));
    let config = KvbmConfig::extract_from(plain).unwrap();
    assert_eq!(config.tokio.max_blocking_threads, 512);
    // The shims themselves (they read the process's sources; the merged tables win).
    let leader =
        KvbmConfig::figment_for_leader().merge(Toml::string("[leader.rayon]\nnum_threads = 5"));
    assert_eq!(leader.profile(), "leader");
    assert_eq!(
        KvbmConfig::extract_from(&leader).unwrap().rayon.num_threads,
        5
    );
    let worker = KvbmConfig::figment_for_worker().merge(Toml::string(
        "[leader.rayon]\nnum_threads = 5\n[worker.rayon]\nnum_threads = 6",
    ));
    assert_eq!(worker.profile(), "worker");
    assert_eq!(
        KvbmConfig::extract_from(worker).unwrap().rayon.num_threads,
        6
    );
}

#[test]
fn figment_with_merges_a_provider_on_top() {
    let figment = KvbmConfig::figment_with(Json::string(r#"{"rayon": {"num_threads": 3}}"#));
    assert_eq!(
        KvbmConfig::extract_from(figment).unwrap().rayon.num_threads,
        3
    );
}

#[test]
fn nixl_builders_normalise_names_as_a_load_does() {
    let mut params = BTreeMap::new();
    params.insert("bucket".to_string(), "b".to_string());
    let nixl = NixlConfig::empty()
        .with_backend("ucx")
        .with_backend_params("Obj", params);
    assert!(nixl.has_backend("UCX") && nixl.has_backend("obj"));
    assert_eq!(nixl.enabled_backends(), ["OBJ", "UCX"]);
    assert_eq!(nixl.backend_params("obj").unwrap()["bucket"], "b");
    assert_eq!(nixl.iter().count(), 2);
    let loaded = common::load(
        common::loader().json(r#"{"nixl": {"backends": {"ucx": {}, "Obj": {"bucket": "b"}}}}"#),
    );
    assert_eq!(loaded.nixl, nixl);
}

#[test]
fn bind_address_and_s3_constructors() {
    let backend = kvbm_config::nova::NovaBackendConfig {
        tcp_addr: Some("127.0.0.1".into()),
        tcp_port: 5555,
        ..Default::default()
    };
    assert_eq!(
        backend.resolve_bind_addr().unwrap().to_string(),
        "127.0.0.1:5555"
    );
    let aws = S3ObjectConfig::aws("blocks", "eu-west-1");
    assert_eq!(
        (
            aws.bucket.as_str(),
            aws.region.as_str(),
            aws.force_path_style
        ),
        ("blocks", "eu-west-1", false)
    );
    let minio = S3ObjectConfig::minio("http://minio:9000", "blocks");
    assert_eq!(minio.endpoint_url.as_deref(), Some("http://minio:9000"));
    assert!(minio.force_path_style);
}

#[test]
fn a_setting_in_the_presence_table_is_an_unknown_key() {
    let error = common::loader()
        .json(r#"{"offload": {"g1_to_g2": {"presence": {"window": 3}}}}"#)
        .load()
        .unwrap_err();
    let problem = error
        .problem_for("offload.g1_to_g2.presence.window")
        .expect("problem");
    assert!(
        problem.message.contains("this table takes no settings"),
        "{problem}"
    );
}
