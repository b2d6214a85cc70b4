//! Property tests. Bounded for CI (proptest's default of 256 cases per property); run
//! many more locally with `PROPTEST_CASES=1000000 cargo test --release --test properties`.
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use common::{loader, Files};
use kvbm_config::cache::{CacheConfig, CacheParallelism, DiskCacheConfig, HostCacheConfig};
use kvbm_config::nixl::NixlConfig;
use kvbm_config::nova::{
    DiscoveryConfig, EtcdDiscoveryConfig, FilesystemDiscoveryConfig, NovaBackendConfig, NovaConfig,
    P2pDiscoveryConfig,
};
use kvbm_config::object::{
    NixlObjectClientConfig, ObjectClientConfig, ObjectConfig, S3ClientConfig,
};
use kvbm_config::offload::{
    OffloadConfig, OffloadPolicy, OnboardConfig, OnboardMode, PresenceLfuConfig, TierOffloadConfig,
};
use kvbm_config::rayon::RayonConfig;
use kvbm_config::tokio::TokioConfig;
use kvbm_config::{KvbmConfig, Role, Source};
use proptest::prelude::*;

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}"
}

fn url() -> impl Strategy<Value = String> {
    ("[a-z]{1,8}", 1u16..).prop_map(|(host, port)| format!("http://{host}:{port}"))
}

fn size_gb() -> impl Strategy<Value = Option<f64>> {
    proptest::option::of(0.001f64..1.0e6)
}

fn blocks() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(1usize..1_000_000_000)
}

fn path() -> impl Strategy<Value = std::path::PathBuf> {
    "(/[a-z]{1,8}){1,4}".prop_map(Into::into)
}

fn policies() -> impl Strategy<Value = Vec<OffloadPolicy>> {
    proptest::collection::vec(
        prop_oneof![
            Just(OffloadPolicy::PassAll),
            Just(OffloadPolicy::Presence),
            Just(OffloadPolicy::PresenceLfu)
        ],
        0..4,
    )
}

fn backend() -> impl Strategy<Value = NovaBackendConfig> {
    let ip = prop_oneof![
        any::<std::net::Ipv4Addr>().prop_map(|ip| ip.to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string())
    ];
    let addr_or_interface = prop_oneof![
        Just((None, None)),
        ip.prop_map(|ip| (Some(ip), None)),
        "[a-z][a-z0-9]{0,8}".prop_map(|i| (None, Some(i))),
    ];
    (any::<u16>(), addr_or_interface).prop_map(|(tcp_port, (tcp_addr, tcp_interface))| {
        NovaBackendConfig {
            tcp_port,
            tcp_addr,
            tcp_interface,
            ..Default::default()
        }
    })
}

fn discovery() -> impl Strategy<Value = Option<DiscoveryConfig>> {
    let etcd = (
        word(),
        proptest::collection::vec(url(), 1..3),
        10u64..=600,
        1u64..10_000,
        0u32..=10,
    )
        .prop_map(
            |(cluster_id, endpoints, ttl_secs, operation_timeout_secs, max_retries)| {
                DiscoveryConfig::Etcd(EtcdDiscoveryConfig {
                    cluster_id,
                    endpoints,
                    ttl_secs,
                    operation_timeout_secs,
                    max_retries,
                    ..Default::default()
                })
            },
        );
    let p2p = (
        word(),
        proptest::collection::vec(("[a-z]{1,8}", 1u16..), 0..3).prop_map(|peers| {
            peers
                .into_iter()
                .map(|(host, port)| format!("{host}:{port}"))
                .collect()
        }),
        any::<u16>(),
        1usize..10,
        any::<bool>(),
        1u64..100_000,
    )
        .prop_map(
            |(
                cluster_id,
                bootstrap_peers,
                listen_port,
                replication_factor,
                enable_mdns,
                record_ttl_secs,
            )| {
                DiscoveryConfig::P2p(P2pDiscoveryConfig {
                    cluster_id,
                    bootstrap_peers,
                    listen_port,
                    replication_factor,
                    enable_mdns,
                    record_ttl_secs,
                    ..Default::default()
                })
            },
        );
    let filesystem = path().prop_map(|path| {
        DiscoveryConfig::Filesystem(FilesystemDiscoveryConfig {
            path,
            ..Default::default()
        })
    });
    proptest::option::of(prop_oneof![etcd, p2p, filesystem])
}

fn s3() -> impl Strategy<Value = S3ClientConfig> {
    (
        proptest::option::of(url()),
        word(),
        word(),
        any::<bool>(),
        1usize..1000,
    )
        .prop_map(
            |(endpoint_url, bucket, region, force_path_style, max_concurrent_requests)| {
                S3ClientConfig {
                    endpoint_url,
                    bucket,
                    region,
                    force_path_style,
                    max_concurrent_requests,
                    ..Default::default()
                }
            },
        )
}

fn object() -> impl Strategy<Value = Option<ObjectConfig>> {
    let client = prop_oneof![
        s3().prop_map(ObjectClientConfig::S3),
        s3().prop_map(|s3| ObjectClientConfig::Nixl(NixlObjectClientConfig::S3(s3))),
    ];
    proptest::option::of(client.prop_map(|client| ObjectConfig {
        client,
        ..Default::default()
    }))
}

fn nixl() -> impl Strategy<Value = NixlConfig> {
    let params = proptest::collection::btree_map("[a-z_]{1,8}", "[a-zA-Z0-9 ]{0,8}", 0..3);
    proptest::collection::btree_map("[A-Z][A-Z0-9_]{0,8}", params, 0..4).prop_map(|backends| {
        NixlConfig {
            backends,
            ..Default::default()
        }
    })
}

fn cache() -> impl Strategy<Value = CacheConfig> {
    let host = (size_gb(), blocks()).prop_map(|(cache_size_gb, num_blocks)| HostCacheConfig {
        cache_size_gb,
        num_blocks,
        ..Default::default()
    });
    let disk = (
        size_gb(),
        blocks(),
        any::<bool>(),
        proptest::option::of(path()),
    )
        .prop_map(
            |(cache_size_gb, num_blocks, use_gds, storage_path)| DiskCacheConfig {
                cache_size_gb,
                num_blocks,
                use_gds,
                storage_path,
                ..Default::default()
            },
        );
    let parallelism = prop_oneof![
        Just(CacheParallelism::TensorParallel),
        Just(CacheParallelism::ReplicatedData)
    ];
    (host, disk, parallelism).prop_map(|(host, disk, parallelism)| CacheConfig {
        host,
        disk,
        parallelism,
        ..Default::default()
    })
}

prop_compose! {
    fn config()(
        worker_threads in 1usize..=64,
        max_blocking_threads in 1usize..10_000,
        num_threads in 1usize..1024,
        backend in backend(),
        discovery in discovery(),
        nixl in nixl(),
        cache in cache(),
        g1 in policies(),
        g2 in policies(),
        min_lfu_count in 1u32..1000,
        g1_min_lfu_count in 1u32..1000,
        intra in any::<bool>(),
        object in object(),
    ) -> KvbmConfig {
        KvbmConfig {
            tokio: TokioConfig { worker_threads, max_blocking_threads, ..Default::default() },
            rayon: RayonConfig { num_threads, ..Default::default() },
            nova: NovaConfig { backend, discovery, ..Default::default() },
            nixl,
            cache,
            offload: OffloadConfig {
                g1_to_g2: TierOffloadConfig {
                    policies: g1,
                    presence_lfu: PresenceLfuConfig { min_lfu_count: g1_min_lfu_count, ..Default::default() },
                    ..Default::default()
                },
                g2_to_g3: TierOffloadConfig {
                    policies: g2,
                    presence_lfu: PresenceLfuConfig { min_lfu_count, ..Default::default() },
                    ..Default::default()
                },
                ..Default::default()
            },
            onboard: OnboardConfig { mode: if intra { OnboardMode::Intra } else { OnboardMode::Inter }, ..Default::default() },
            object,
            ..Default::default()
        }
    }
}

/// Rewrites `nova.discovery` and `object.client` of a JSON config into the table form.
fn to_table_form(mut json: serde_json::Value) -> serde_json::Value {
    for (section, table) in [("nova", "discovery"), ("object", "client")] {
        if let Some(serde_json::Value::Object(tagged)) =
            json.get_mut(section).and_then(|s| s.get_mut(table))
        {
            let variant = tagged
                .remove("type")
                .and_then(|t| t.as_str().map(str::to_string))
                .unwrap();
            let fields = std::mem::take(tagged);
            tagged.insert(variant, serde_json::Value::Object(fields));
        }
    }
    json
}

proptest! {
    #[test]
    fn any_valid_config_round_trips_through_toml_and_json(config in config(), table_form in any::<bool>()) {
        let files = Files::new();
        let mut json = serde_json::to_value(&config).unwrap();
        if table_form {
            json = to_table_form(json);
        }
        let toml_text = toml::to_string(&json).unwrap();
        let path = files.write("kvbm.toml", &toml_text);
        let from_toml = loader().user_file(&path).load().map(|l| l.config);
        prop_assert_eq!(from_toml.as_ref().map_err(ToString::to_string), Ok(&config), "TOML:\n{}", toml_text);

        let flat = json.to_string();
        for role in [Role::Leader, Role::Worker] {
            let from_flat = loader().json(flat.as_str()).role(role).load().map(|l| l.config);
            prop_assert_eq!(from_flat.map_err(|e| e.to_string()), Ok(config.clone()));
        }
        let profiled = serde_json::json!({ "leader": json, "default": {} }).to_string();
        let from_profile = loader().json(profiled).role(Role::Leader).load().map(|l| l.config);
        prop_assert_eq!(from_profile.map_err(|e| e.to_string()), Ok(config));
    }

    #[test]
    fn arbitrary_json_never_panics_and_errors_name_a_source(json in "\\PC{0,200}") {
        assert_errors_have_sources(loader().json(json).role(Role::Leader));
    }

    #[test]
    fn arbitrary_toml_never_panics_and_errors_name_a_source(text in "[\\[\\]a-z_.=\"{}, 0-9\n#-]{0,200}") {
        let files = Files::new();
        let path = files.write("kvbm.toml", text);
        assert_errors_have_sources(loader().user_file(&path).role(Role::Worker));
    }

    #[test]
    fn mutated_example_files_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..6), which in 0usize..3) {
        let names = ["kvbm.example.toml", "kvbm.example.json", "kvbm.full.example.json"];
        let mut chars: Vec<char> = common::repo_file(names[which]).chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        if which == 0 {
            let files = Files::new();
            let path = files.write("kvbm.toml", &text);
            assert_errors_have_sources(loader().system_file(&path));
        } else {
            assert_errors_have_sources(loader().json(text).role(Role::Worker));
        }
    }

    /// Values in figment's syntax (quotes, lists, tables, escapes, non-ASCII text): the
    /// random values above reach figment's parser only by chance.
    #[test]
    fn figment_syntax_values_never_panic(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), "[\"\\[\\]{}=, a-zA-Z0-9\\\\\u{e9}\u{119a0}u]{0,24}"), 1..6),
    ) {
        let env: Vec<(String, String)> = picks
            .into_iter()
            .map(|(i, value)| (i.get(kvbm_config::registry::settings()).env.to_string(), value))
            .collect();
        assert_errors_have_sources(loader().env(env).role(Role::Worker));
    }

    #[test]
    fn arbitrary_env_values_never_panic(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), "\\PC{0,30}"), 1..8),
        v1 in proptest::option::of(("DYN_KVBM_(CPU_CACHE_GB|DISK_CACHE_DIR|NIXL_BACKEND_[A-Z]{1,4}|OBJECT_ENABLED|OBJECT_ENDPOINT)", "\\PC{0,12}")),
    ) {
        let mut env: Vec<(String, String)> = picks
            .into_iter()
            .map(|(i, value)| (i.get(kvbm_config::registry::settings()).env.to_string(), value))
            .collect();
        env.extend(v1);
        assert_errors_have_sources(loader().env(env).role(Role::Worker));
    }
}

fn assert_errors_have_sources(loader: kvbm_config::Loader) {
    if let Err(error) = loader.load() {
        assert!(!error.problems().is_empty());
        for problem in error.problems() {
            assert_ne!(
                problem.source,
                Source::Default,
                "a problem without a source: {problem}"
            );
            assert!(!problem.message.is_empty());
        }
    }
}
