//! Every validation bound at, below and above its limit, with the field named in the error.

mod common;

use common::loader;
use kvbm_config::{ConfigError, ProblemKind, Role, Source};

/// Loads `json` (flat).
fn load_json(json: &str) -> Result<kvbm_config::KvbmConfig, ConfigError> {
    loader().json(json).load().map(|l| l.config)
}

/// Asserts that `json` fails with a constraint problem at `key` from the flat JSON.
fn assert_rejected(json: &str, key: &str) {
    let error = load_json(json).expect_err(json);
    let problem = error
        .problem_for(key)
        .unwrap_or_else(|| panic!("no problem for {key} in:\n{error}"));
    assert_eq!(problem.source, Source::Json { profile: None }, "{problem}");
    assert!(error.to_string().starts_with(key), "{error}");
}

fn assert_accepted(json: &str) {
    if let Err(e) = load_json(json) {
        panic!("{json} rejected:\n{e}");
    }
}

/// The thread count is at least 1; its upper bound is the CPU count of the host that will
/// run it, which preflight checks, so a count above *this* machine's CPUs still loads: a
/// config is valid or not wherever it is checked.
#[test]
fn tokio_worker_threads_is_at_least_one_and_not_bounded_by_this_machine() {
    assert_rejected(r#"{"tokio":{"worker_threads":0}}"#, "tokio.worker_threads");
    assert_accepted(r#"{"tokio":{"worker_threads":1}}"#);
    let above_this_machine = num_cpus::get() * 4 + 1;
    assert_accepted(&format!(
        r#"{{"tokio":{{"worker_threads":{above_this_machine}}}}}"#
    ));
}

#[test]
fn thread_counts_are_at_least_one() {
    for (section, field) in [("tokio", "max_blocking_threads"), ("rayon", "num_threads")] {
        assert_rejected(
            &format!(r#"{{"{section}":{{"{field}":0}}}}"#),
            &format!("{section}.{field}"),
        );
        assert_accepted(&format!(r#"{{"{section}":{{"{field}":1}}}}"#));
        assert_accepted(&format!(r#"{{"{section}":{{"{field}":2}}}}"#));
    }
}

#[test]
fn min_lfu_count_is_at_least_one() {
    let json = |n: i64| {
        format!(r#"{{"offload":{{"g2_to_g3":{{"presence_lfu":{{"min_lfu_count":{n}}}}}}}}}"#)
    };
    assert_rejected(&json(0), "offload.g2_to_g3.presence_lfu.min_lfu_count");
    assert_accepted(&json(1));
    assert_accepted(&json(2));
}

#[test]
fn etcd_bounds_hold_in_both_spellings() {
    let tagged = |field: &str, n: u64| {
        format!(r#"{{"nova":{{"discovery":{{"type":"etcd","cluster_id":"c","{field}":{n}}}}}}}"#)
    };
    let table = |field: &str, n: u64| {
        format!(r#"{{"nova":{{"discovery":{{"etcd":{{"cluster_id":"c","{field}":{n}}}}}}}}}"#)
    };
    for form in [&tagged as &dyn Fn(&str, u64) -> String, &table] {
        assert_rejected(&form("ttl_secs", 9), "nova.discovery.ttl_secs");
        assert_accepted(&form("ttl_secs", 10));
        assert_accepted(&form("ttl_secs", 11));
        assert_accepted(&form("ttl_secs", 599));
        assert_accepted(&form("ttl_secs", 600));
        assert_rejected(&form("ttl_secs", 601), "nova.discovery.ttl_secs");
        assert_accepted(&form("max_retries", 0));
        assert_accepted(&form("max_retries", 10));
        assert_rejected(&form("max_retries", 11), "nova.discovery.max_retries");
        assert_rejected(
            &form("operation_timeout_secs", 0),
            "nova.discovery.operation_timeout_secs",
        );
        assert_accepted(&form("operation_timeout_secs", 1));
    }
}

#[test]
fn cache_sizes_are_finite_and_positive_and_block_counts_at_least_one() {
    for tier in ["host", "disk"] {
        let gb = |v: &str| format!(r#"{{"cache":{{"{tier}":{{"cache_size_gb":{v}}}}}}}"#);
        assert_rejected(&gb("0.0"), &format!("cache.{tier}.cache_size_gb"));
        assert_rejected(&gb("-1.0"), &format!("cache.{tier}.cache_size_gb"));
        assert_accepted(&gb("0.001"));
        assert_accepted(&gb("4"));
        let blocks = |v: u64| format!(r#"{{"cache":{{"{tier}":{{"num_blocks":{v}}}}}}}"#);
        assert_rejected(&blocks(0), &format!("cache.{tier}.num_blocks"));
        assert_accepted(&blocks(1));
        assert_accepted(&blocks(2));
    }
}

#[test]
fn non_finite_sizes_are_rejected_from_env_and_toml() {
    for raw in ["NaN", "inf", "-inf"] {
        let error = common::load_err(loader().env([("KVBM_CACHE_HOST_SIZE_GB", raw)]));
        let problem = error
            .problem_for("cache.host.cache_size_gb")
            .expect("problem");
        assert_eq!(
            problem.source,
            Source::Env {
                var: "KVBM_CACHE_HOST_SIZE_GB".into()
            }
        );
    }
    let files = common::Files::new();
    let path = files.write("k.toml", "[cache.disk]\ncache_size_gb = nan\n");
    let error = common::load_err(loader().user_file(&path));
    let problem = error
        .problem_for("cache.disk.cache_size_gb")
        .expect("problem");
    assert_eq!(problem.value.as_deref(), Some("nan"));
    assert!(problem.source.to_string().contains("k.toml"), "{problem}");
}

#[test]
fn object_client_settings_are_checked_in_both_variants() {
    for ty in ["s3", "nixl"] {
        let with = |field: &str, v: &str| {
            format!(r#"{{"object":{{"client":{{"type":"{ty}","{field}":{v}}}}}}}"#)
        };
        assert_rejected(
            &with("max_concurrent_requests", "0"),
            "object.client.max_concurrent_requests",
        );
        assert_accepted(&with("max_concurrent_requests", "1"));
        assert_rejected(&with("bucket", r#""""#), "object.client.bucket");
        assert_rejected(&with("region", r#""""#), "object.client.region");
        assert_rejected(&with("endpoint_url", r#""""#), "object.client.endpoint_url");
    }
    assert_rejected(
        r#"{"object":{"client":{"type":"nixl","backend":""}}}"#,
        "object.client.backend",
    );
}

#[test]
fn discovery_required_text_must_not_be_empty() {
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"etcd"}}}"#,
        "nova.discovery.cluster_id",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"p2p","cluster_id":""}}}"#,
        "nova.discovery.cluster_id",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"etcd","cluster_id":"c","endpoints":[]}}}"#,
        "nova.discovery.endpoints",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"etcd","cluster_id":"c","endpoints":[""]}}}"#,
        "nova.discovery.endpoints",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"filesystem"}}}"#,
        "nova.discovery.path",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"filesystem","path":""}}}"#,
        "nova.discovery.path",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"p2p","cluster_id":"c","replication_factor":0}}}"#,
        "nova.discovery.replication_factor",
    );
    assert_rejected(
        r#"{"nova":{"discovery":{"type":"p2p","cluster_id":"c","record_ttl_secs":0}}}"#,
        "nova.discovery.record_ttl_secs",
    );
}

#[test]
fn tcp_addr_must_be_an_ip_and_exclusive_with_the_interface() {
    assert_rejected(
        r#"{"nova":{"backend":{"tcp_addr":"not-an-ip"}}}"#,
        "nova.backend.tcp_addr",
    );
    assert_accepted(r#"{"nova":{"backend":{"tcp_addr":"192.168.1.2"}}}"#);
    assert_accepted(r#"{"nova":{"backend":{"tcp_addr":"fe80::1"}}}"#);
    assert_accepted(r#"{"nova":{"backend":{"tcp_interface":"eth0"}}}"#);
    assert_rejected(
        r#"{"nova":{"backend":{"tcp_interface":""}}}"#,
        "nova.backend.tcp_interface",
    );

    // Set in two different layers: the error names both sources.
    let error = common::load_err(
        loader()
            .env([("KVBM_NOVA_BACKEND_TCP_ADDR", "10.0.0.1")])
            .json(r#"{"worker":{"nova":{"backend":{"tcp_interface":"eth0"}}}}"#)
            .role(Role::Worker),
    );
    let problem = error
        .problem_for("nova.backend.tcp_interface")
        .expect("exclusion problem");
    assert_eq!(problem.kind, ProblemKind::Constraint);
    assert_eq!(
        problem.source,
        Source::Json {
            profile: Some(kvbm_config::Profile::Worker)
        }
    );
    assert!(
        problem.message.contains("env KVBM_NOVA_BACKEND_TCP_ADDR"),
        "{problem}"
    );
}

#[test]
fn validation_runs_on_extract_from_too() {
    use figment::providers::{Format, Json};
    let figment = kvbm_config::Loader::new()
        .figment()
        .merge(Json::string(r#"{"rayon":{"num_threads":0}}"#));
    let error = kvbm_config::KvbmConfig::extract_from(figment).unwrap_err();
    let problem = error.problem_for("rayon.num_threads").expect("problem");
    assert_eq!(problem.source.to_string(), "JSON source string");
}

#[test]
fn check_validates_a_config_built_in_code() {
    let mut config = kvbm_config::KvbmConfig::default();
    assert!(config.check().is_ok());
    config.offload.g2_to_g3.presence_lfu.min_lfu_count = 0;
    config.cache.host.cache_size_gb = Some(f64::NAN);
    let error = config.check().unwrap_err();
    let keys: Vec<&str> = error.problems().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "cache.host.cache_size_gb",
            "offload.g2_to_g3.presence_lfu.min_lfu_count"
        ]
    );
    assert!(
        error.problems().iter().all(|p| p.source == Source::Code),
        "{error}"
    );
    assert!(error.to_string().contains("(nan, set in code)"), "{error}");
}

/// A bootstrap peer is `host:port`: one without a port, with an empty or bad port, or an
/// IPv6 host without brackets is refused by `check` as at load.
#[test]
fn bootstrap_peers_are_host_and_port() {
    let peers = |list: &str| {
        format!(
            r#"{{"nova": {{"discovery": {{"type": "p2p", "cluster_id": "c", "bootstrap_peers": {list}}}}}}}"#
        )
    };
    for good in [
        r#"["10.0.0.10:5000"]"#,
        r#"["peer-0.kvbm:5000", "[fd00::1]:5000"]"#,
    ] {
        assert_accepted(&peers(good));
    }
    for bad in [
        r#"["10.0.0.10"]"#,
        r#"["10.0.0.10:"]"#,
        r#"["10.0.0.10:port"]"#,
        r#"["10.0.0.10:70000"]"#,
        r#"["fd00::1:5000"]"#,
        r#"[":5000"]"#,
    ] {
        assert_rejected(&peers(bad), "nova.discovery.bootstrap_peers");
    }
}
