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
fn without_the_wrapper_vllm_keys_are_unknown_keys() {
    let error = loader()
        .json(r#"{"kv_connector": "x"}"#)
        .load()
        .unwrap_err();
    assert!(error.problem_for("kv_connector").is_some(), "{error}");
}
