//! JSON Schema of config documents (feature `schema`), for editors and CI checks.
//!
//! [`document_schema`] describes what a TOML file or the vLLM JSON may hold: the sections
//! of [`KvbmConfig`] and the `default`, `leader` and `worker` profile tables, each again a
//! config. It is derived with `schemars` from the same structs the loader fills, so every
//! description carries the field's default, variable and constraint (the paragraph the
//! declaration generates), each declared rule adds its keywords (`minimum`, `maximum`,
//! `minLength`, ...: its entry in the `rules!` table says which), and unknown keys are
//! rejected (`additionalProperties: false`) as the loader rejects them. A one-of table's
//! schema, both spellings, comes from its `one_of!` declaration (`one_of::schema`), and the
//! NixL object backend's from `object`. `kvbm.schema.json` is this schema; a test keeps it
//! current.

use schemars::{json_schema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::registry::{settings, Setting};
use crate::KvbmConfig;

/// [`document_schema`] as `kvbm-config schema` prints it (`kvbm.schema.json` is this text).
pub fn document_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&document_schema()).expect("a schema serializes");
    text.push('\n');
    text
}

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
    allow_null_tables(&mut root);
    apply_declarations(&mut root);
    root
}

/// A table whose JSON `null` has a meaning (`"nixl": null` is NixL off) accepts `null`.
fn allow_null_tables(root: &mut Value) {
    for key in crate::registry::null_tables() {
        let mut found = Vec::new();
        for start in ["", "/$defs/KvbmConfig"] {
            find_properties(root, start.to_string(), key, None, &mut found);
        }
        // Both starts may reach one shared definition (`$defs/CacheConfig`): wrap it once.
        let mut pointers: Vec<String> = found.into_iter().map(|(pointer, _)| pointer).collect();
        pointers.sort();
        pointers.dedup();
        for pointer in pointers {
            if let Some(property) = root.pointer_mut(&pointer) {
                let table = property.take();
                *property = json!({ "anyOf": [table, { "type": "null" }] });
            }
        }
    }
}

/// Applies every declared setting to its property schemas (a one-of variant's settings
/// appear twice, in the tagged and the table form): the declared rules as bounds, the
/// default as TOML writes it in the description, and no default where it depends on the
/// machine (the Rayon thread count), or the schema would differ from machine to machine.
fn apply_declarations(root: &mut Value) {
    for setting in settings() {
        let variants: Vec<Option<&str>> = match setting.applies_to {
            [] => vec![None],
            variants => variants.iter().copied().map(Some).collect(),
        };
        for variant in variants {
            let mut found = Vec::new();
            // The document's own sections, and the config that its profiles refer to.
            for start in ["", "/$defs/KvbmConfig"] {
                find_properties(root, start.to_string(), setting.key, variant, &mut found);
            }
            for (pointer, ancestors) in found {
                if let Some(Value::Object(property)) = root.pointer_mut(&pointer) {
                    apply_setting(setting, property);
                }
                if setting.machine_default.is_some() {
                    for ancestor in ancestors {
                        if let Some(Value::Object(table)) = root.pointer_mut(&ancestor) {
                            table.remove("default");
                        }
                    }
                }
            }
        }
    }
}

/// The JSON pointers of every property schema of `key` below the schema at `at`, each
/// with the pointers of the table properties on the way (whose defaults hold its default).
fn find_properties(
    root: &Value,
    at: String,
    key: &str,
    variant: Option<&str>,
    found: &mut Vec<(String, Vec<String>)>,
) {
    let Some(schema) = root.pointer(&at) else {
        return;
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.trim_start_matches('#').to_string();
        return find_properties(root, target, key, variant, found);
    }
    for branch in ["anyOf", "oneOf"] {
        if let Some(forms) = schema.get(branch).and_then(Value::as_array) {
            for i in 0..forms.len() {
                find_properties(root, format!("{at}/{branch}/{i}"), key, variant, found);
            }
            return;
        }
    }
    let (part, rest) = key.split_once('.').unwrap_or((key, ""));
    let properties = format!("{at}/properties");
    // The table form of a one-of variant: `{ "etcd": { fields } }`.
    if let Some(variant) = variant {
        if root.pointer(&format!("{properties}/{variant}")).is_some()
            && root.pointer(&format!("{properties}/{part}")).is_none()
        {
            return find_properties(root, format!("{properties}/{variant}"), key, None, found);
        }
        let tag = root.pointer(&format!("{properties}/type/const"));
        if tag.is_some_and(|t| t != variant) {
            return;
        }
    }
    let here = format!("{properties}/{part}");
    if root.pointer(&here).is_none() {
        return;
    }
    if rest.is_empty() {
        found.push((here, Vec::new()));
        return;
    }
    let before = found.len();
    find_properties(root, here.clone(), rest, variant, found);
    for (_, ancestors) in &mut found[before..] {
        ancestors.push(here.clone());
    }
}

fn apply_setting(setting: &Setting, property: &mut Map<String, Value>) {
    if setting.machine_default.is_some() {
        property.remove("default");
    } else if property.contains_key("default") {
        // The default at this key: a table used at several keys (an offload hop) has its
        // own default at each, where serde's would be the table type's.
        match setting
            .default_value()
            .and_then(|v| serde_json::to_value(v).ok())
        {
            Some(default) => property.insert("default".into(), default),
            None => property.remove("default"),
        };
    }
    // Each declared rule says what it adds (`minimum`, `minLength`, ...).
    for rule in setting.rules {
        rule.schema(property);
    }
    // `null` means the default, as it did for upstream's `Option` field.
    if setting.nullable {
        if let Some(Value::String(kind)) = property.get("type").cloned() {
            property.insert("type".into(), json!([kind, "null"]));
        }
    }
    // Editors show the description to people writing TOML or JSON: the declaration's
    // words, with the default as they write it (not the Rust expression of the rustdoc).
    let mut description = format!(
        "{}.\n\nDefault: {}. Env: {}.",
        setting.doc,
        setting.default_text(),
        setting.env
    );
    if !setting.constraint.is_empty() {
        description.push_str(&format!(" Constraint: {}.", setting.constraint));
    }
    property.insert("description".into(), Value::String(description));
}

/// `nixl.backends`: name → parameters (scalars, kept as strings), or a list of names.
pub(crate) fn backends_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
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
