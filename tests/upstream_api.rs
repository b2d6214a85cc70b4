//! The names of dynamo-kvbm-config and of upstream's releases (`kvbm-config` 1.x), used
//! the way their consumers use them. None is deprecated: a consumer that builds with
//! `-D warnings` stays green after switching its manifest line.
#![deny(deprecated)]
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use std::collections::HashMap;

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
    assert_eq!(config.onboard.mode, OnboardMode::Inter, "the default mode");
    assert_eq!(s3.bucket, "kvbm-blocks");
    assert!(config.check().is_ok());
    // The upstream-named values are what a document spelled as upstream's loads to.
    let loaded = common::loader()
        .json(r#"{"cache": {"parallelism": "replicated_data"}, "offload": {"g1_to_g2": {"presence_lfu": {"min_lfu_count": 3}}}}"#)
        .load()
        .unwrap()
        .config;
    assert_eq!(loaded.cache.parallelism, parallelism);
    assert_eq!(loaded.offload.g1_to_g2.presence_lfu, lfu);
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
    // Upstream's answers: no count for a zero block size, whatever is set (1.x checks
    // the block size first), 0 for a size too small.
    assert_eq!(config.cache.host.compute_num_blocks(0), None);
    assert_eq!(config.cache.disk.compute_num_blocks(0), None);
    assert_eq!(config.cache.host.compute_num_blocks(2_000_000_000), Some(0));
    assert_eq!(
        KvbmConfig::default().cache.host.compute_num_blocks(4096),
        None
    );
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
    let mut params = HashMap::new();
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
    let aws = S3ObjectConfig::aws("blocks".into(), "eu-west-1".into());
    assert_eq!(
        (
            aws.bucket.as_str(),
            aws.region.as_str(),
            aws.force_path_style
        ),
        ("blocks", "eu-west-1", false)
    );
    let minio = S3ObjectConfig::minio("http://minio:9000".into(), "blocks".into());
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

/// Every root name of dynamo-kvbm-config, reached as its consumers reach it.
#[test]
fn each_of_upstreams_26_root_names_is_at_the_root() {
    #[allow(unused_imports)]
    use kvbm_config::{
        CacheConfig, ConfigError, DiscoveryConfig, DiskCacheConfig, EtcdDiscoveryConfig,
        FilesystemDiscoveryConfig, HostCacheConfig, KvbmConfig, NixlConfig, NixlObjectConfig,
        NovaBackendConfig, NovaConfig, ObjectClientConfig, ObjectConfig, OffloadConfig,
        OnboardConfig, OnboardMode, P2pDiscoveryConfig, ParallelismMode, PolicyType,
        PresenceFilterConfig, PresenceLfuFilterConfig, RayonConfig, S3ObjectConfig,
        TierOffloadConfig, TokioConfig,
    };
    let config = KvbmConfig {
        tokio: TokioConfig::default(),
        rayon: RayonConfig::default(),
        cache: CacheConfig {
            host: HostCacheConfig::default(),
            disk: DiskCacheConfig::default(),
            ..Default::default()
        },
        nova: NovaConfig {
            backend: NovaBackendConfig::default(),
            discovery: Some(DiscoveryConfig::Etcd(EtcdDiscoveryConfig {
                cluster_id: "c".into(),
                ..Default::default()
            })),
        },
        offload: OffloadConfig {
            g1_to_g2: TierOffloadConfig {
                presence: PresenceFilterConfig::default(),
                ..TierOffloadConfig::g1_to_g2()
            },
            ..Default::default()
        },
        onboard: OnboardConfig {
            mode: OnboardMode::Intra,
        },
        ..Default::default()
    };
    let _variants = [
        DiscoveryConfig::P2p(P2pDiscoveryConfig::default()),
        DiscoveryConfig::Filesystem(FilesystemDiscoveryConfig::default()),
    ];
    let _: Result<(), ConfigError> = config.check();
}

#[cfg(feature = "validator")]
#[test]
fn validator_validate_runs_the_declared_rules() {
    use validator::Validate;
    let config = KvbmConfig::default();
    assert!(config.validate().is_ok());
    let mut bad = KvbmConfig::default();
    bad.tokio.max_blocking_threads = 0;
    bad.cache.host.cache_size_gb = Some(-1.0);
    let errors = bad.validate().unwrap_err();
    let tokio = match &errors.errors()["tokio"] {
        validator::ValidationErrorsKind::Struct(inner) => inner.field_errors(),
        other => panic!("a nested table, not {other:?}"),
    };
    assert_eq!(tokio["max_blocking_threads"][0].code, "range");
    assert!(tokio["max_blocking_threads"][0].message.is_some());
    // Each section validates alone, too, with its fields at its root.
    let errors = bad.tokio.validate().unwrap_err();
    assert!(errors.field_errors().contains_key("max_blocking_threads"));
    assert!(bad.cache.validate().is_err());
    assert!(bad.rayon.validate().is_ok());
}

#[test]
fn a_config_is_a_figment_provider_and_figment_carries_the_defaults() {
    let mut config = KvbmConfig::default();
    config.tokio.worker_threads = 1;
    config.tokio.max_blocking_threads = 64;
    let figment = Figment::from(&config);
    let tokio: kvbm_config::TokioConfig = figment.extract_inner("tokio").unwrap();
    assert_eq!(tokio.max_blocking_threads, 64);
    let back = KvbmConfig::extract_from(figment).unwrap();
    assert_eq!(back.tokio, config.tokio);
    // `Loader::figment` (and so `KvbmConfig::figment`) carries the defaults under the
    // sources: a whole table can be extracted, and origins still say `default`.
    let figment = Loader::new()
        .env([("KVBM_TOKIO_WORKER_THREADS", "1")])
        .figment();
    let tokio: kvbm_config::TokioConfig = figment.extract_inner("tokio").unwrap();
    assert_eq!((tokio.worker_threads, tokio.max_blocking_threads), (1, 512));
    // A source's NixL set still replaces the default set, never joins it.
    let figment = Loader::new().env([("KVBM_NIXL_BACKENDS", "GDS")]).figment();
    let config = KvbmConfig::extract_from(figment).unwrap();
    assert_eq!(config.nixl.enabled_backends(), ["GDS"]);
}

#[test]
fn upstreams_constructors_infer_their_argument_types() {
    // Callers rely on inference from upstream's concrete types.
    let none = NixlConfig::new(HashMap::new());
    assert!(none.enabled_backends().is_empty());
    let gds = NixlConfig::empty().with_backend_params("gds", HashMap::new());
    assert_eq!(gds.enabled_backends(), ["GDS"]);
}

#[test]
fn resolve_bind_addr_works_where_upstream_returned_anyhow_result() {
    use anyhow::Context;
    fn bind(config: &kvbm_config::MessengerBackendConfig) -> anyhow::Result<std::net::SocketAddr> {
        let addr = config
            .resolve_bind_addr()
            .context("resolving the bind address")?;
        Ok(addr)
    }
    let mut backend = kvbm_config::MessengerBackendConfig {
        tcp_addr: Some("127.0.0.1".into()),
        tcp_port: 5555,
        ..Default::default()
    };
    assert_eq!(bind(&backend).unwrap().to_string(), "127.0.0.1:5555");
    backend.tcp_interface = Some("no-such-interface0".into());
    let error = bind(&backend).unwrap_err();
    assert_eq!(error.to_string(), "resolving the bind address");
}

/// The root names of upstream's releases (`kvbm-config` 1.x): the messenger table is this
/// crate's Nova table, the events section is declared like every other.
#[test]
fn the_release_names_are_at_the_root() {
    use kvbm_config::{
        EventPolicyConfig, EventsBatchingConfig, EventsConfig, MessengerBackendConfig,
        MessengerConfig,
    };
    let messenger: MessengerConfig = kvbm_config::nova::NovaConfig::default();
    let backend: MessengerBackendConfig = messenger.backend.clone();
    assert_eq!(backend.tcp_port, 0);
    let events: EventsConfig = KvbmConfig::default().events;
    assert!(!events.enabled);
    assert_eq!(events.subject, "kvbm.events");
    assert_eq!(events.channel_capacity, 1024);
    assert_eq!(events.policy, EventPolicyConfig::PowerOfTwo);
    let batching: EventsBatchingConfig = events.batching;
    assert_eq!(
        (batching.window_duration_ms, batching.max_batch_size),
        (10, 1024)
    );
    let mode: ParallelismMode = KvbmConfig::default().cache.parallelism;
    assert_eq!(mode, ParallelismMode::TensorParallel);
}

#[test]
fn nixl_config_new_takes_upstreams_hash_map() {
    let mut backends: HashMap<String, HashMap<String, String>> = HashMap::new();
    backends.insert("ucx".into(), HashMap::new());
    backends.insert(
        "Gds".into(),
        HashMap::from([("num_threads".to_string(), "4".to_string())]),
    );
    let nixl = NixlConfig::new(backends);
    assert_eq!(nixl.enabled_backends(), ["GDS", "UCX"]);
    assert_eq!(nixl.backend_params("gds").unwrap()["num_threads"], "4");
}

#[test]
fn the_nixl_object_client_is_an_enum_tagged_by_backend() {
    let json = r#"{"object": {"client": {"type": "nixl", "backend": "s3", "bucket": "b"}}}"#;
    let config = common::load(common::loader().json(json));
    let Some(ObjectConfig {
        client: ObjectClientConfig::Nixl(nixl),
        ..
    }) = config.object
    else {
        panic!("a NixL client")
    };
    match &nixl {
        NixlObjectConfig::S3(s3) => assert_eq!(s3.bucket, "b"),
    }
    // The wire format is unchanged: `backend` beside the S3 settings, and optional.
    let text = serde_json::to_string(&nixl).unwrap();
    assert!(text.starts_with(r#"{"backend":"s3","#), "{text}");
    let without = r#"{"object": {"client": {"type": "nixl", "bucket": "b"}}}"#;
    assert!(common::loader().json(without).load().is_ok());
    // A closed set: a backend without an object plugin is refused by name.
    let error = common::loader()
        .json(r#"{"object": {"client": {"type": "nixl", "backend": "posix"}}}"#)
        .load()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("object.client.backend: not one of `s3` (\"posix\""),
        "{error}"
    );
}

/// The behaviour differences MIGRATING.md lists, as a migrating deployment meets them.
#[test]
fn migration_differences_hold() {
    // RAYON_NUM_THREADS is not consulted: the CPU count is the default.
    let config = common::load(common::loader().env([("RAYON_NUM_THREADS", "1")]));
    assert_eq!(config.rayon.num_threads, num_cpus::get());
    // An explicit empty list leaves the hop's policies to the engine.
    let config =
        common::load(common::loader().json(r#"{"offload": {"g1_to_g2": {"policies": []}}}"#));
    assert!(config.offload.g1_to_g2.policies.is_empty());
    assert_eq!(
        config.offload.g2_to_g3.policies,
        [kvbm_config::offload::OffloadPolicy::PresenceLfu]
    );
}

/// Build errors box into a `dyn Error`, as upstream's did.
#[cfg(feature = "rayon")]
#[test]
fn build_errors_box_into_dyn_error() {
    fn boxed() -> Result<(), Box<dyn std::error::Error>> {
        let zero = kvbm_config::RayonConfig {
            num_threads: 0,
            ..Default::default()
        };
        zero.build_pool()?;
        Ok(())
    }
    assert!(boxed().is_err());
}
