//! The JSON Schema (feature `schema`): current, and agreeing with the loader.
#![cfg(feature = "schema")]

mod common;

use serde_json::Value;

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&kvbm_config::json_schema::document_schema())
        .expect("the schema is a valid JSON Schema")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn the_example_documents_are_valid() {
    let validator = validator();
    for name in ["kvbm.example.json", "kvbm.full.example.json"] {
        let document = json(&common::repo_file(name));
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let toml: toml::Table = toml::from_str(&common::repo_file("kvbm.example.toml")).unwrap();
    assert!(validator.is_valid(&serde_json::to_value(toml).unwrap()));
}

#[test]
fn a_typo_fails_the_schema_as_it_fails_the_loader() {
    let validator = validator();
    for typo in [
        r#"{"leader": {"cache": {"host": {"cache_size_gbb": 4.0}}}}"#,
        r#"{"leadr": {}}"#,
        r#"{"nova": {"discovery": {"type": "etcd", "cluster_id": "c", "path": "/x"}}}"#,
        r#"{"offload": {"g1_to_g2": {"policies": ["presense"]}}}"#,
    ] {
        assert!(
            !validator.is_valid(&json(typo)),
            "the schema accepted {typo}"
        );
        assert!(
            common::loader().json(typo).load().is_err(),
            "the loader accepted {typo}"
        );
    }
}

#[test]
fn both_spellings_of_the_one_of_tables_are_valid() {
    let validator = validator();
    for document in [
        r#"{"nova": {"discovery": {"etcd": {"cluster_id": "c"}}}}"#,
        r#"{"nova": {"discovery": {"type": "p2p", "cluster_id": "c"}}}"#,
        r#"{"object": {"client": {"nixl": {"backend": "s3"}}}}"#,
        r#"{"worker": {"object": {"client": {"type": "nixl", "bucket": "b"}}}}"#,
        r#"{"nixl": {"backends": ["UCX", "POSIX"]}}"#,
    ] {
        let errors: Vec<String> = validator
            .iter_errors(&json(document))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{document}: {errors:?}");
    }
}

#[test]
fn the_schema_does_not_depend_on_the_machine() {
    let schema = kvbm_config::json_schema::document_schema();
    assert!(schema
        .pointer("/$defs/RayonConfig/properties/num_threads/default")
        .is_none());
    assert!(schema.pointer("/properties/rayon/default").is_none());
}
