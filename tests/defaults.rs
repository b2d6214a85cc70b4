//! Every default as the spec states it, and the model matching the registry.
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use std::collections::BTreeSet;

use figment::value::Value;
use kvbm_config::cache::CacheParallelism;
use kvbm_config::nova::{EtcdDiscoveryConfig, P2pDiscoveryConfig};
use kvbm_config::object::{NixlObjectClientConfig, S3ClientConfig};
use kvbm_config::offload::{OffloadPolicy, OnboardMode};
use kvbm_config::registry::settings;
use kvbm_config::{KvbmConfig, Loader};

#[test]
fn each_default_is_the_specs() {
    let c = KvbmConfig::default();
    assert_eq!(c.tokio.worker_threads, 1);
    assert_eq!(c.tokio.max_blocking_threads, 512);
    assert_eq!(c.rayon.num_threads, num_cpus::get());
    assert_eq!(c.nova.backend.tcp_port, 0);
    assert_eq!(c.nova.backend.tcp_addr, None);
    assert_eq!(c.nova.backend.tcp_interface, None);
    assert_eq!(c.nova.discovery, None);
    assert_eq!(c.nixl.backends.keys().collect::<Vec<_>>(), ["POSIX", "UCX"]);
    assert!(c.nixl.backends.values().all(|params| params.is_empty()));
    assert_eq!(
        (c.cache.host.cache_size_gb, c.cache.host.num_blocks),
        (None, None)
    );
    assert_eq!(
        (c.cache.disk.cache_size_gb, c.cache.disk.num_blocks),
        (None, None)
    );
    assert!(!c.cache.disk.use_gds);
    assert_eq!(c.cache.disk.storage_path, None);
    assert_eq!(c.cache.parallelism, CacheParallelism::TensorParallel);
    assert_eq!(c.offload.g1_to_g2.policies, [OffloadPolicy::Presence]);
    assert_eq!(c.offload.g2_to_g3.policies, [OffloadPolicy::PresenceLfu]);
    assert_eq!(c.offload.g2_to_g3.presence_lfu.min_lfu_count, 8);
    assert_eq!(c.onboard.mode, OnboardMode::Inter);
    assert_eq!(c.object, None);
}

#[test]
fn variant_defaults_are_the_specs() {
    let etcd = EtcdDiscoveryConfig::default();
    assert_eq!(etcd.endpoints, ["http://localhost:2379"]);
    assert_eq!(
        (etcd.ttl_secs, etcd.operation_timeout_secs, etcd.max_retries),
        (60, 30, 3)
    );
    let p2p = P2pDiscoveryConfig::default();
    assert!(p2p.bootstrap_peers.is_empty());
    assert_eq!(
        (
            p2p.listen_port,
            p2p.replication_factor,
            p2p.enable_mdns,
            p2p.record_ttl_secs
        ),
        (0, 3, false, 600)
    );
    let s3 = S3ClientConfig::default();
    assert_eq!(s3.endpoint_url, None);
    assert_eq!(
        (s3.bucket.as_str(), s3.region.as_str()),
        ("kvbm-blocks", "us-east-1")
    );
    assert_eq!(
        (s3.force_path_style, s3.max_concurrent_requests),
        (false, 16)
    );
    assert_eq!(NixlObjectClientConfig::default().backend(), "s3");
}

#[test]
fn the_default_equals_a_load_with_no_sources() {
    let loaded = Loader::new().load().expect("defaults are valid");
    assert_eq!(loaded.config, KvbmConfig::default());
    assert_eq!(loaded.report.origins().count(), 0);
    assert!(loaded.report.warnings().is_empty());
}

/// Dotted keys of the leaves of a serialized config (`nixl.backends` counts as one leaf).
fn leaf_keys(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Dict(_, dict) if prefix != "nixl.backends" => {
            for (k, v) in dict {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_keys(v, &key, out);
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

#[test]
fn the_registry_lists_exactly_the_models_settings() {
    // Built from the declarations: a new setting, table or variant needs no edit here.
    let configs = [
        common::with_everything(&[("nova.discovery", "etcd"), ("object.client", "s3")]),
        common::with_everything(&[("nova.discovery", "p2p"), ("object.client", "nixl")]),
        common::with_everything(&[("nova.discovery", "filesystem"), ("object.client", "s3")]),
    ];
    let mut model = BTreeSet::new();
    for config in &configs {
        leaf_keys(&Value::serialize(config).unwrap(), "", &mut model);
        // Each variant carries exactly the registry's fields for it.
        let tree = Value::serialize(config).unwrap();
        for table in ["nova.discovery", "object.client"] {
            let Some(Value::Dict(_, entries)) = tree.find_ref(table) else {
                panic!("{table} set")
            };
            let variant = entries["type"].as_str().unwrap();
            let mut expected: BTreeSet<&str> = settings()
                .iter()
                .filter(|f| f.key.starts_with(table) && f.applies_to.contains(&variant))
                .map(|f| f.key.rsplit('.').next().unwrap())
                .collect();
            expected.insert("type");
            let actual: BTreeSet<&str> = entries.keys().map(String::as_str).collect();
            assert_eq!(actual, expected, "{table} of type {variant}");
        }
    }
    let registry: BTreeSet<String> = settings().iter().map(|f| f.key.to_string()).collect();
    assert_eq!(model, registry);
}

#[test]
fn no_setting_has_a_hand_written_default_line() {
    // The rustdoc's "Default: ... Env: ..." paragraph is generated from each declaration;
    // a hand-written default or variable, in any wording, would drift from it.
    const HAND_WRITTEN: [&str; 4] = ["default: `", "defaults to `", "env: `", "default is `"];
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20, "every source file is read");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let doc = line.trim_start();
            let lower = doc.to_lowercase();
            assert!(
                !((doc.starts_with("///") || doc.starts_with("//!"))
                    && HAND_WRITTEN.iter().any(|words| lower.contains(words))),
                "{}: hand-written default or variable: {line}",
                path.display()
            );
        }
    }
}
