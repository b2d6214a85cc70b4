//! The registry, the Rust types and the JSON Schema agree for every declared setting: kind
//! versus type, bounds versus `minimum` / `maximum`, defaults versus `Default`.
#![cfg(feature = "schema")]

use figment::value::Value as Tree;
use kvbm_config::nova::{EtcdDiscoveryConfig, FilesystemDiscoveryConfig, P2pDiscoveryConfig};
use kvbm_config::object::{NixlObjectClientConfig, S3ClientConfig};
use kvbm_config::registry::{settings, Kind, Setting, UInt};
use kvbm_config::KvbmConfig;
use serde_json::Value;

fn document() -> Value {
    kvbm_config::json_schema::document_schema()
}

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(root, root.pointer(pointer).expect("a $ref that resolves"))
        }
        None => schema,
    }
}

/// The property schema of a setting, through nested tables and, for a one-of table, the
/// tagged form of `variant`.
fn property<'a>(root: &'a Value, key: &str, variant: Option<&str>) -> &'a Value {
    let mut schema = root;
    for part in key.split('.') {
        schema = resolve(root, non_null(schema));
        if let Some(forms) = schema.get("oneOf").and_then(Value::as_array) {
            let variant = variant.expect("a variant for a one-of table");
            schema = forms
                .iter()
                .find(|form| form.pointer("/properties/type/const") == Some(&Value::from(variant)))
                .unwrap_or_else(|| panic!("{key}: no tagged form for {variant}"));
        }
        schema = schema
            .pointer(&format!("/properties/{part}"))
            .unwrap_or_else(|| panic!("{key}: no property `{part}` in the schema"));
    }
    resolve(root, schema)
}

/// The non-null branch of an optional table (`anyOf: [{$ref}, {type: null}]`).
fn non_null(schema: &Value) -> &Value {
    match schema.get("anyOf").and_then(Value::as_array) {
        Some(branches) => branches
            .iter()
            .find(|b| b.get("type") != Some(&Value::from("null")))
            .unwrap_or(schema),
        None => schema,
    }
}

fn types_of(schema: &Value) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn assert_kind_matches(setting: &Setting, root: &Value, schema: &Value) {
    let types = types_of(schema);
    assert_eq!(
        types.contains(&"null".to_string()),
        setting.optional || setting.nullable,
        "{}: optional or nullable in the registry ⇔ nullable in the schema",
        setting.key
    );
    let has = |t: &str| types.iter().any(|x| x == t);
    let ok = match setting.kind {
        Kind::Bool => has("boolean"),
        Kind::Unsigned(_) => has("integer"),
        Kind::Float => has("number"),
        Kind::Text | Kind::Path => has("string"),
        Kind::TextList => has("array") && schema.pointer("/items/type") == Some(&"string".into()),
        Kind::Choice(names) => {
            let choice = resolve(root, schema.get("anyOf").map_or(schema, |a| &a[0]));
            enum_names(root, choice) == names
        }
        Kind::ChoiceList(names) => {
            has("array") && enum_names(root, resolve(root, &schema["items"])) == names
        }
        Kind::Backends => schema.get("oneOf").is_some(),
        _ => false,
    };
    assert!(
        ok,
        "{}: kind {:?} but schema {schema}",
        setting.key, setting.kind
    );
}

/// The names a schemars enum accepts (`enum`, or `oneOf` of `const`s).
fn enum_names(root: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(root, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
    }
    schema["oneOf"]
        .as_array()
        .expect("enum or oneOf")
        .iter()
        .filter_map(|v| v.get("const").and_then(Value::as_str).map(String::from))
        .collect()
}

fn assert_bounds_match(setting: &Setting, schema: &Value) {
    let (low, high) = setting.bounds();
    let minimum = schema.get("minimum").and_then(Value::as_u64);
    let maximum = schema.get("maximum").and_then(Value::as_u64);
    match low {
        Some(low) => assert_eq!(minimum, Some(low), "{}: minimum", setting.key),
        None if matches!(setting.kind, Kind::Unsigned(_)) => {
            assert!(
                minimum.is_none_or(|m| m == 0),
                "{}: no lower bound",
                setting.key
            )
        }
        None => assert_eq!(minimum, None, "{}: no lower bound", setting.key),
    }
    let width_max = match setting.kind {
        Kind::Unsigned(UInt::U16) => Some(u64::from(u16::MAX)),
        _ => None,
    };
    match high {
        Some(high) => assert_eq!(maximum, Some(high), "{}: maximum", setting.key),
        None => assert!(
            maximum.is_none() || maximum == width_max,
            "{}: no upper bound but {maximum:?}",
            setting.key
        ),
    }
}

/// The default each variant's struct holds for the field (whose key ends in `name`).
fn variant_default(variant: &str, name: &str) -> Option<Tree> {
    let tree = match variant {
        "etcd" => Tree::serialize(EtcdDiscoveryConfig::default()),
        "p2p" => Tree::serialize(P2pDiscoveryConfig::default()),
        "filesystem" => Tree::serialize(FilesystemDiscoveryConfig::default()),
        "s3" => Tree::serialize(S3ClientConfig::default()),
        "nixl" => Tree::serialize(NixlObjectClientConfig::default()),
        other => panic!("unknown variant {other}"),
    };
    tree.unwrap().find(name)
}

fn without_required_text(value: Option<Tree>) -> Option<Tree> {
    value.filter(|v| !matches!(v, Tree::String(_, s) if s.is_empty()))
}

#[test]
fn registry_types_and_schema_agree_for_every_setting() {
    let document = document();
    for setting in settings() {
        let variants: Vec<Option<&str>> = match setting.applies_to {
            [] if setting.is_variant_tag() => continue,
            [] => vec![None],
            variants => variants.iter().map(|v| Some(*v)).collect(),
        };
        for variant in variants {
            let schema = property(&document, setting.key, variant);
            assert_kind_matches(setting, &document, schema);
            assert_bounds_match(setting, schema);
            // What a load gives where the registry shows a default: the setting's table
            // written empty, so that serde fills the value (not the defaults tree the
            // registry read it from).
            let rust_default = match variant {
                Some(variant) => variant_default(variant, setting.name()),
                None => Tree::serialize(written_empty(setting.table()))
                    .unwrap()
                    .find(setting.key),
            };
            assert_eq!(
                setting.default_value(),
                without_required_text(rust_default.clone()),
                "{}: registry default vs a load of its table written empty",
                setting.key
            );
            if let (Some(schema_default), Some(rust)) = (schema.get("default"), rust_default) {
                let rust = serde_json::to_value(&rust).unwrap();
                assert_eq!(schema_default, &rust, "{}: schema default", setting.key);
            }
            if setting.machine_default.is_some() {
                assert!(
                    schema.get("default").is_none(),
                    "{}: machine default",
                    setting.key
                );
            }
        }
    }
}

#[test]
fn each_declared_constraint_rejects_a_breaking_value() {
    // Every setting with a lower bound rejects the value just below it, from any source.
    for setting in settings() {
        let (Some(low), _) = setting.bounds() else {
            continue;
        };
        if low == 0 || !setting.applies_to.is_empty() {
            continue;
        }
        let mut json = serde_json::json!(low - 1);
        for part in setting.key.rsplit('.') {
            json = serde_json::json!({ part: json });
        }
        let error = kvbm_config::Loader::new()
            .json(json.to_string())
            .load()
            .expect_err(setting.key);
        assert!(
            error.problem_for(setting.key).is_some(),
            "{}: {error}",
            setting.key
        );
    }
}

/// The config with the optional table at `table` written empty (`{}`): its fields at their
/// serde defaults.
fn written_empty(table: &str) -> KvbmConfig {
    let mut document = serde_json::json!({});
    let mut node = &mut document;
    for part in table.split('.') {
        node[part] = serde_json::json!({});
        node = &mut node[part];
    }
    kvbm_config::Loader::new()
        .json(document.to_string())
        .load()
        .unwrap_or_else(|e| panic!("[{table}] written empty: {e}"))
        .config
}
