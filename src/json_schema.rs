//! JSON Schema of config documents (feature `schema`), for editors and CI checks.
//!
//! [`document_schema`] describes what a TOML file or the vLLM JSON may hold: the sections
//! of [`KvbmConfig`] and the `default`, `leader` and `worker` profile tables, each again a
//! config. It is derived with `schemars` from the same structs the loader fills, so every
//! description carries the field's default, variable and constraint, and unknown keys are
//! rejected (`additionalProperties: false`) as the loader rejects them. The one-of tables
//! accept both spellings. `kvbm.schema.json` is this schema; a test keeps it current.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::nova::{
    DiscoveryConfig, EtcdDiscoveryConfig, FilesystemDiscoveryConfig, P2pDiscoveryConfig,
};
use crate::object::{ObjectClientConfig, S3ClientConfig};
use crate::KvbmConfig;

/// The schema of a config document: the sections plus `default` / `leader` / `worker`.
pub fn document_schema() -> Value {
    let mut root = schemars::schema_for!(KvbmConfig).to_value();
    let object = root.as_object_mut().expect("a struct schema is an object");
    object.insert(
        "title".into(),
        json!("KVBM config document (kvbm.toml or vLLM kv_connector_extra_config)"),
    );
    object.insert(
        "description".into(),
        json!("Sections of the KVBM config, and profile tables: `default` applies to every process, `leader` and `worker` only to that role."),
    );
    let properties = object
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .expect("KvbmConfig has properties");
    for (profile, what) in [
        (
            "default",
            "Settings for every process, above the plain ones.",
        ),
        ("leader", "Settings for the leader only, above `default`."),
        ("worker", "Settings for workers only, above `default`."),
    ] {
        properties.insert(
            profile.into(),
            json!({ "description": what, "$ref": "#/$defs/KvbmConfig" }),
        );
    }
    let config = schemars::schema_for!(KvbmConfig).to_value();
    let mut defs = config.get("$defs").cloned().unwrap_or_else(|| json!({}));
    let mut inner = config;
    if let Some(map) = inner.as_object_mut() {
        map.remove("$defs");
        map.remove("$schema");
    }
    defs.as_object_mut()
        .expect("$defs is an object")
        .insert("KvbmConfig".into(), inner);
    object.insert("$defs".into(), defs);
    drop_machine_defaults(&mut root);
    root
}

/// The Rayon thread count defaults to this machine's CPU count: leave it out of the schema
/// (its description says so), or the schema would differ from machine to machine.
fn drop_machine_defaults(root: &mut Value) {
    for path in [
        "/properties/rayon",
        "/$defs/KvbmConfig/properties/rayon",
        "/$defs/RayonConfig/properties/num_threads",
    ] {
        if let Some(Value::Object(schema)) = root.pointer_mut(path) {
            schema.remove("default");
        }
    }
}

/// `nixl.backends`: name → parameters (scalars, kept as strings), or a list of names.
pub(crate) fn backends_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "NixL backends by name (any case, upper-cased at load) with their parameters; a source that sets this gives the complete set. Default: { UCX = {}, POSIX = {} }. Env: KVBM_NIXL_BACKENDS (comma-separated names).",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": { "type": ["string", "number", "boolean"] }
                }
            },
            { "type": "array", "items": { "type": "string" } }
        ]
    })
}

/// The schema of a one-of table: each variant in the tagged form (`type = "..."` beside the
/// fields) and in the table form (`{ "<variant>": { fields } }`).
fn one_of(description: &str, variants: Vec<(&str, Schema)>) -> Schema {
    let mut forms = Vec::new();
    for (name, schema) in &variants {
        let mut tagged = schema.clone().to_value();
        if let Some(object) = tagged.as_object_mut() {
            object.remove("$schema");
            let properties = object.entry("properties").or_insert_with(|| json!({}));
            if let Some(properties) = properties.as_object_mut() {
                properties.insert("type".into(), json!({ "const": name }));
            }
            let required = object.entry("required").or_insert_with(|| json!([]));
            if let Some(required) = required.as_array_mut() {
                required.push(json!("type"));
            }
        }
        forms.push(tagged);
    }
    for (name, schema) in variants {
        let mut properties = Map::new();
        properties.insert(name.to_string(), schema.to_value());
        forms.push(json!({
            "type": "object",
            "properties": properties,
            "required": [name],
            "additionalProperties": false
        }));
    }
    Schema::try_from(json!({ "description": description, "oneOf": forms }))
        .expect("an object schema")
}

impl JsonSchema for DiscoveryConfig {
    fn schema_name() -> Cow<'static, str> {
        "DiscoveryConfig".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        one_of(
            "Peer discovery: `type = \"etcd\" | \"p2p\" | \"filesystem\"` beside the fields, or a table named after the method.",
            vec![
                ("etcd", EtcdDiscoveryConfig::json_schema(generator)),
                ("p2p", P2pDiscoveryConfig::json_schema(generator)),
                ("filesystem", FilesystemDiscoveryConfig::json_schema(generator)),
            ],
        )
    }
}

impl JsonSchema for ObjectClientConfig {
    fn schema_name() -> Cow<'static, str> {
        "ObjectClientConfig".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let s3 = S3ClientConfig::json_schema(generator);
        let mut nixl = s3.clone().to_value();
        if let Some(properties) = nixl.get_mut("properties").and_then(Value::as_object_mut) {
            properties.insert(
                "backend".into(),
                json!({ "type": "string", "minLength": 1, "default": "s3", "description": "NixL object backend to use. Default: `\"s3\"`. Env: `KVBM_OBJECT_CLIENT_BACKEND`." }),
            );
        }
        let nixl = Schema::try_from(nixl).expect("an object schema");
        one_of(
            "Object-store client: `type = \"s3\" | \"nixl\"` beside the fields, or a table named after the client.",
            vec![("s3", s3), ("nixl", nixl)],
        )
    }
}
