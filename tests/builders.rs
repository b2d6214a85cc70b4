//! The accessors that start KVBM from a config: runtime, pool, backends, sizes, address.
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use kvbm_config::cache::{DiskCacheConfig, HostCacheConfig};
use kvbm_config::nixl::NixlBackend;
use kvbm_config::nova::{EtcdDiscoveryConfig, NovaBackendConfig, P2pDiscoveryConfig};
use kvbm_config::{BuildError, KvbmConfig};

#[cfg(feature = "tokio")]
#[test]
fn the_runtime_has_the_configured_workers_and_names_its_threads() {
    let config = kvbm_config::tokio::TokioConfig {
        worker_threads: 3,
        max_blocking_threads: 4,
        ..Default::default()
    };
    let runtime = config.build_runtime().unwrap();
    assert_eq!(runtime.metrics().num_workers(), 3);
    let name = runtime.block_on(async {
        tokio::spawn(async { std::thread::current().name().map(str::to_string) })
            .await
            .unwrap()
    });
    assert!(
        name.as_deref()
            .unwrap_or_default()
            .starts_with("kvbm-tokio-"),
        "{name:?}"
    );
    let blocking = runtime
        .block_on(async {
            tokio::task::spawn_blocking(|| std::thread::current().name().map(str::to_string)).await
        })
        .unwrap();
    assert!(blocking.unwrap_or_default().starts_with("kvbm-tokio-"));
}

#[cfg(feature = "tokio")]
#[test]
fn zero_threads_are_an_error_not_a_tokio_panic() {
    for (workers, blocking, key) in [
        (0, 1, "tokio.worker_threads"),
        (1, 0, "tokio.max_blocking_threads"),
    ] {
        let config = kvbm_config::tokio::TokioConfig {
            worker_threads: workers,
            max_blocking_threads: blocking,
            ..Default::default()
        };
        match config.build_runtime() {
            Err(BuildError::Invalid { key: k, .. }) => assert_eq!(k, key),
            other => panic!("expected an error for {key}, got {other:?}"),
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn the_pool_has_the_configured_threads_and_names_them() {
    let pool = kvbm_config::rayon::RayonConfig {
        num_threads: 3,
        ..Default::default()
    }
    .build_pool()
    .unwrap();
    assert_eq!(pool.current_num_threads(), 3);
    let name = pool.install(|| std::thread::current().name().map(str::to_string));
    assert!(name.unwrap_or_default().starts_with("kvbm-rayon-"));
    let zero = kvbm_config::rayon::RayonConfig {
        num_threads: 0,
        ..Default::default()
    }
    .build_pool();
    assert!(matches!(
        zero,
        Err(BuildError::Invalid {
            key: "rayon.num_threads",
            ..
        })
    ));
}

#[test]
fn the_default_backend_set_is_exactly_ucx_and_posix() {
    let backends = KvbmConfig::default().nixl_backends();
    let names: Vec<&NixlBackend> = backends.iter().map(|(b, _)| b).collect();
    assert_eq!(names, [&NixlBackend::Posix, &NixlBackend::Ucx]);
    assert!(backends.contains(&NixlBackend::Ucx));
    assert!(!backends.contains(&NixlBackend::Gds));
}

#[test]
fn backend_names_are_typed_and_plugins_load_with_a_warning() {
    let json = r#"{"nixl": {"backends": {"gds_mt": {"threads": "8"}, "UCX": {}, "MYPLUGIN": {}, "GSD": {}}}}"#;
    let loaded = common::loader().json(json).load().unwrap();
    let backends = loaded.config.nixl_backends();
    let names: Vec<String> = backends.iter().map(|(b, _)| b.to_string()).collect();
    assert_eq!(
        names,
        ["GDS_MT", "GSD", "MYPLUGIN", "UCX"],
        "stable order by name"
    );
    assert!(backends.contains(&NixlBackend::GdsMt));
    assert!(backends.contains(&NixlBackend::Plugin("MYPLUGIN".into())));
    assert_eq!(
        backends.params(&NixlBackend::GdsMt).unwrap()["threads"],
        "8"
    );
    let warnings: Vec<String> = loaded
        .report
        .warnings()
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`GSD`") && w.contains("did you mean `GDS`?")),
        "{warnings:?}"
    );
}

#[test]
fn block_counts_follow_num_blocks_then_the_decimal_size() {
    const MB: usize = 1_000_000;
    let host = |gb, blocks| HostCacheConfig {
        cache_size_gb: gb,
        num_blocks: blocks,
        ..Default::default()
    };
    let disk = |gb, blocks| DiskCacheConfig {
        cache_size_gb: gb,
        num_blocks: blocks,
        ..Default::default()
    };
    assert_eq!(
        host(Some(4.0), Some(7)).num_blocks(MB).unwrap(),
        Some(7),
        "num_blocks wins"
    );
    assert_eq!(
        disk(Some(4.0), Some(7)).num_blocks(MB).unwrap(),
        Some(7),
        "num_blocks wins"
    );
    assert_eq!(
        host(Some(4.0), None).num_blocks(MB).unwrap(),
        Some(4000),
        "GB is 10^9 bytes"
    );
    assert_eq!(disk(Some(1.5), None).num_blocks(2 * MB).unwrap(), Some(750));
    assert_eq!(
        host(Some(1.0), None).num_blocks(3 * MB).unwrap(),
        Some(333),
        "rounded down"
    );
    assert_eq!(host(None, None).num_blocks(MB).unwrap(), None);
    assert_eq!(disk(None, None).num_blocks(MB).unwrap(), None);
    assert!(matches!(
        host(Some(1.0), None).num_blocks(0),
        Err(BuildError::Invalid {
            key: "bytes_per_block",
            ..
        })
    ));
    assert!(matches!(
        disk(None, Some(3)).num_blocks(0),
        Err(BuildError::Invalid { .. })
    ));
    let zero = host(Some(0.001), None).num_blocks(2 * MB);
    assert!(
        matches!(
            zero,
            Err(BuildError::Invalid {
                key: "cache.host.cache_size_gb",
                ..
            })
        ),
        "{zero:?}"
    );
}

#[test]
fn the_bind_address_comes_from_addr_then_interface_then_any() {
    let backend = |addr: Option<&str>, interface: Option<&str>| NovaBackendConfig {
        tcp_port: 5555,
        tcp_addr: addr.map(str::to_string),
        tcp_interface: interface.map(str::to_string),
        ..Default::default()
    };
    assert_eq!(
        backend(None, None).bind_addr().unwrap(),
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, 5555))
    );
    assert_eq!(
        backend(Some("10.1.2.3"), None).bind_addr().unwrap(),
        "10.1.2.3:5555".parse().unwrap()
    );
    assert_eq!(
        backend(Some("::1"), None).bind_addr().unwrap(),
        "[::1]:5555".parse().unwrap()
    );
    assert_eq!(
        backend(None, Some("lo")).bind_addr().unwrap(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 5555))
    );
    match backend(None, Some("no-such-if0")).bind_addr() {
        Err(BuildError::UnknownInterface { name, available }) => {
            assert_eq!(name, "no-such-if0");
            assert!(available.contains(&"lo".to_string()), "{available:?}");
        }
        other => panic!("expected an unknown interface, got {other:?}"),
    }
    assert!(matches!(
        backend(Some("x"), None).bind_addr(),
        Err(BuildError::Invalid { .. })
    ));
    assert!(matches!(
        backend(Some("10.0.0.1"), Some("lo")).bind_addr(),
        Err(BuildError::Invalid { .. })
    ));
}

#[test]
fn discovery_durations() {
    let etcd = EtcdDiscoveryConfig::default();
    assert_eq!(
        (etcd.ttl(), etcd.operation_timeout()),
        (Duration::from_secs(60), Duration::from_secs(30))
    );
    assert_eq!(
        P2pDiscoveryConfig::default().record_ttl(),
        Duration::from_secs(600)
    );
}

#[cfg(all(feature = "tokio", feature = "rayon"))]
#[test]
fn a_worker_starts_from_the_example_json() {
    let config = common::json_for(
        kvbm_config::Role::Worker,
        &common::repo_file("kvbm.example.json"),
    );
    assert_eq!(
        config
            .tokio
            .build_runtime()
            .unwrap()
            .metrics()
            .num_workers(),
        config.tokio.worker_threads
    );
    assert_eq!(
        config.rayon.build_pool().unwrap().current_num_threads(),
        config.rayon.num_threads
    );
    assert_eq!(config.nixl_backends().len(), 2);
}
