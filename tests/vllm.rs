//! vLLM's whole `kv_transfer_config` is accepted wherever the JSON document is.

mod common;

use common::loader;
use kvbm_config::{Profile, Role, Source};

const WRAPPED: &str = r#"{
    "kv_connector": "DynamoConnector",
    "kv_role": "kv_both",
    "kv_connector_module_path": "kvbm.vllm_integration.connector",
    "kv_connector_extra_config": {
        "leader": { "tokio": { "worker_threads": 1 } },
        "worker": { "cache": { "host": { "cache_size_gb": 2.0 } } }
    }
}"#;

#[test]
fn the_whole_kv_transfer_config_loads_like_its_extra_config() {
    let leader = loader().json(WRAPPED).role(Role::Leader).load().unwrap();
    assert_eq!(leader.config.tokio.worker_threads, 1);
    assert_eq!(
        leader.report.origin("tokio.worker_threads"),
        Source::Json {
            profile: Some(Profile::Leader)
        }
    );
    let worker = loader().json(WRAPPED).role(Role::Worker).load().unwrap();
    assert_eq!(worker.config.cache.host.cache_size_gb, Some(2.0));
}

#[test]
fn a_typo_inside_the_wrapper_names_the_profile() {
    let json = WRAPPED.replace("worker_threads", "worker_thread");
    let error = loader().json(json).role(Role::Leader).load().unwrap_err();
    let problem = error.problem_for("tokio.worker_thread").expect("typo");
    assert_eq!(problem.source.to_string(), "JSON profile `leader`");
    assert!(
        problem.message.contains("did you mean `worker_threads`?"),
        "{problem}"
    );
}

#[test]
fn an_extra_config_that_is_not_a_table_is_an_error() {
    let error = loader()
        .json(r#"{"kv_connector": "x", "kv_connector_extra_config": 3}"#)
        .load()
        .unwrap_err();
    let problem = error
        .problem_for("kv_connector_extra_config")
        .expect("problem");
    assert!(problem.message.contains("must be a table"), "{problem}");
}

#[test]
fn a_transfer_config_without_extra_config_is_recognised_by_kv_connector() {
    let loaded = loader()
        .json(r#"{"kv_connector": "DynamoConnector", "kv_role": "kv_both"}"#)
        .load()
        .unwrap();
    assert!(loaded.report.warnings().is_empty());
    assert_eq!(loaded.config, kvbm_config::KvbmConfig::default());
}

/// Dynamo's layout: KVBM beside NixL in a MultiConnector.
const MULTI: &str = r#"{
    "kv_connector": "MultiConnector",
    "kv_role": "kv_both",
    "kv_connector_extra_config": {
        "connectors": [
            { "kv_connector": "NixlConnector", "kv_role": "kv_both" },
            {
                "kv_connector": "DynamoConnector",
                "kv_connector_module_path": "kvbm.vllm_integration.connector",
                "kv_role": "kv_both",
                "kv_connector_extra_config": {
                    "leader": { "tokio": { "worker_threads": 3 } }
                }
            }
        ]
    }
}"#;

#[test]
fn a_multiconnector_yields_the_kvbm_entry_and_origins_name_it() {
    let leader = loader().json(MULTI).role(Role::Leader).load().unwrap();
    assert_eq!(leader.config.tokio.worker_threads, 3);
    assert_eq!(
        leader.report.origin("tokio.worker_threads").to_string(),
        "JSON profile `leader` of connector `DynamoConnector`"
    );
    // By name, without a module path.
    let by_name = MULTI.replace(
        r#""kv_connector_module_path": "kvbm.vllm_integration.connector","#,
        "",
    );
    let leader = loader().json(by_name).role(Role::Leader).load().unwrap();
    assert_eq!(leader.config.tokio.worker_threads, 3);
    // Explicitly, by any name.
    let renamed = MULTI.replace("DynamoConnector", "MyKvbm");
    let leader = loader()
        .json(renamed)
        .connector("MyKvbm")
        .role(Role::Leader)
        .load()
        .unwrap();
    assert_eq!(leader.config.tokio.worker_threads, 3);
}

#[test]
fn zero_or_several_kvbm_entries_are_an_error_listing_them() {
    let none = MULTI
        .replace("DynamoConnector", "Other")
        .replace("kvbm.vllm_integration.connector", "other.module");
    let error = loader().json(none).load().unwrap_err();
    let problem = error
        .problem_for("kv_connector_extra_config.connectors")
        .expect("a problem");
    assert!(problem.message.contains("no connector"), "{problem}");
    assert!(
        problem
            .message
            .contains("[0] NixlConnector; [1] Other (other.module)"),
        "{problem}"
    );
    let error = loader()
        .json(MULTI)
        .connector("Missing")
        .load()
        .unwrap_err();
    assert!(error.to_string().contains("named `Missing`"), "{error}");
    // Two named like KVBM's, only one under the kvbm module: the module path decides.
    let twice = MULTI.replace("NixlConnector", "DynamoConnector");
    assert!(loader().json(twice).load().is_ok());
    let twice = MULTI.replace("NixlConnector", "DynamoConnector").replace(
        r#""kv_connector_module_path": "kvbm.vllm_integration.connector","#,
        "",
    );
    let error = loader().json(twice).load().unwrap_err();
    assert!(error.to_string().contains("2 connectors"), "{error}");
}
