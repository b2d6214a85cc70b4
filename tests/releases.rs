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
