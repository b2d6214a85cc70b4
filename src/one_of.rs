//! The two spellings of a one-of-several table (`nova.discovery`, `object.client`).
//!
//! Users write either the *tagged* form, `{ type = "etcd", cluster_id = "c" }`, or the
//! *table* form, `[nova.discovery.etcd] cluster_id = "c"`. Everything inside this crate works
//! on the tagged form: the loader rewrites each source to it before checking and merging,
//! and the hand-written `Deserialize` impls of the enums do the same for direct serde users.

use figment::value::{Dict, Value};

use crate::registry::value::quoted_list;

/// The key that names the variant in the tagged form.
pub(crate) const TYPE_KEY: &str = "type";

/// Rewrites the table form `{ "etcd": {..} }` to the tagged form `{ "type": "etcd", .. }`.
///
/// A dict that already has `type`, or that names no variant, is returned unchanged (the
/// schema check reports what is wrong with it). Mixing the forms is an error, because
/// which one was meant cannot be decided; the error hands the dict back for reporting.
pub(crate) fn to_tagged_form(dict: Dict, variants: &[&str]) -> Result<Dict, (String, Dict)> {
    let named: Vec<&String> = dict
        .keys()
        .filter(|k| variants.contains(&k.as_str()))
        .collect();
    if named.is_empty() {
        return Ok(dict);
    }
    if named.len() > 1 || dict.len() > 1 {
        let keys: Vec<&str> = dict.keys().map(String::as_str).collect();
        let message = format!(
            "give exactly one of the tables {} or use `type = \"...\"`; found keys {}",
            quoted_list(variants),
            quoted_list(&keys)
        );
        return Err((message, dict));
    }
    let problem = match dict.values().next() {
        Some(Value::Dict(_, inner)) if inner.contains_key(TYPE_KEY) => {
            Some(format!("`{}` table must not contain `type`", named[0]))
        }
        Some(Value::Dict(..)) => None,
        Some(other) => Some(format!(
            "`{}` must be a table of settings, found {}",
            named[0],
            crate::registry::value::describe(other)
        )),
        None => None,
    };
    if let Some(message) = problem {
        return Err((message, dict));
    }
    let Some((variant, Value::Dict(_, mut tagged))) = dict.into_iter().next() else {
        unreachable!("one table checked above")
    };
    tagged.insert(TYPE_KEY.to_string(), Value::from(variant));
    Ok(tagged)
}

/// Deserializes a tagged enum from either spelling; used by the enums' `Deserialize` impls.
pub(crate) fn deserialize_either_form<'de, D, R>(
    deserializer: D,
    variants: &[&str],
) -> Result<R, D::Error>
where
    D: serde::Deserializer<'de>,
    R: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    // Read as a table, not a figment `Value`, whose visitor copies every key once more; a
    // value of another type is serde's "invalid type: ..., expected a map".
    let dict = <Dict as serde::Deserialize>::deserialize(deserializer)?;
    let tagged =
        to_tagged_form(dict, variants).map_err(|(message, _)| D::Error::custom(message))?;
    crate::registry::value::table_value(tagged)
        .deserialize::<R>()
        .map_err(|e| D::Error::custom(e.to_string()))
}

#[cfg(feature = "schema")]
/// The schema of a one-of table (its `one_of!` declaration's `Jsonschemars::Schema` impl calls it):
/// each variant, named by `names` in order, in the tagged form (`type = "..."` beside the
/// fields) and in the table form (`{ "<variant>": { fields } }`).
pub(crate) fn schema(
    tag_doc: &str,
    names: &[&str],
    schemas: Vec<schemars::Schema>,
) -> schemars::Schema {
    let spelled: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    let description = format!(
        "{tag_doc}. Written as `type = {}` beside the fields, or as a table named after the variant.",
        spelled.join(" | ")
    );
    let variants: Vec<(&str, schemars::Schema)> = names.iter().copied().zip(schemas).collect();
    let mut forms = Vec::new();
    for (name, schema) in &variants {
        let mut tagged = schema.clone().to_value();
        if let Some(object) = tagged.as_object_mut() {
            object.remove("$schema");
            let properties = object
                .entry("properties")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(properties) = properties.as_object_mut() {
                properties.insert("type".into(), serde_json::json!({ "const": name }));
            }
            let required = object
                .entry("required")
                .or_insert_with(|| serde_json::json!([]));
            if let Some(required) = required.as_array_mut() {
                required.push(serde_json::json!("type"));
            }
        }
        forms.push(tagged);
    }
    for (name, schema) in variants {
        let mut properties = serde_json::Map::new();
        properties.insert(name.to_string(), schema.to_value());
        forms.push(serde_json::json!({
            "type": "object",
            "properties": properties,
            "required": [name],
            "additionalProperties": false
        }));
    }
    schemars::Schema::try_from(serde_json::json!({ "description": description, "oneOf": forms }))
        .expect("an object schema")
}

/// Declares a one-of table: the enum (serialized in the tagged form), its `TYPES`, a
/// `Deserialize` that accepts both spellings, and its declarations (the `type` setting,
/// then each variant's settings) with the check that dispatches to the active variant.
macro_rules! one_of {
    (
        #[doc = $doc:literal]
        $(#[$meta:meta])*
        pub enum $name:ident {
            tag: { doc: $tag_doc:literal $(, env: $tag_env:literal)? },
            $(
                #[doc = $variant_doc:literal]
                $variant:ident = $tag:literal ($ty:ty)
            ),* $(,)?
        }
    ) => {
        #[doc = $doc]
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(tag = "type")]
        pub enum $name {
            $(
                #[doc = $variant_doc]
                #[serde(rename = $tag)]
                $variant($ty),
            )*
        }

        impl $name {
            /// The variant names, as written after `type =`.
            pub const TYPES: &'static [&'static str] = &[$($tag),*];

            /// The variant's name, as written after `type =`.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $tag,)*
                }
            }
        }

        // The schema of both spellings, each variant's from its own type.
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::one_of::schema(
                    $tag_doc,
                    Self::TYPES,
                    vec![$(<$ty as schemars::JsonSchema>::json_schema(generator)),*],
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // The tagged form, as serde derives it; either spelling is rewritten to it.
                #[derive(serde::Deserialize)]
                #[serde(tag = "type")]
                enum Tagged {
                    $(#[serde(rename = $tag)] $variant($ty),)*
                }
                let tagged: Tagged =
                    crate::one_of::deserialize_either_form(deserializer, Self::TYPES)?;
                Ok(match tagged {
                    $(Tagged::$variant(c) => Self::$variant(c),)*
                })
            }
        }

        impl crate::declare::Absent for $name {}

        crate::declare::validate_impl!($name);

        impl crate::declare::Section for $name {
            const ENTRIES: &'static [crate::declare::Entry] = &[
                crate::declare::Entry::Setting(crate::declare::Declaration::variant_tag(
                    $tag_doc,
                    crate::declare::first!($(Some($tag_env),)? None),
                    Self::TYPES,
                )),
                $(crate::declare::Entry::Variant {
                    name: $tag,
                    declare: <$ty as crate::declare::Section>::declare,
                },)*
            ];

            fn check(
                &self,
                at: &crate::declare::KeyPath<'_>,
                        found: &mut Vec<crate::declare::Violation>,
            ) {
                match self {
                    $(Self::$variant(c) => crate::declare::Section::check(c, at, found),)*
                }
            }
        }
    };
}

pub(crate) use one_of;
