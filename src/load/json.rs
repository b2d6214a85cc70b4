//! Reading the JSON document (layer 5) as strictly as a TOML file.
//!
//! `serde_json` into a map keeps the last of two equal keys in silence, where TOML refuses
//! the file. This reader builds the value tree itself, in one pass, and records the key
//! path of every duplicate, at any depth, so the loader can report each one. It also
//! accepts a leading UTF-8 byte-order mark, as the TOML reader does, and gives no meaning to
//! figment's internal field names.

use std::collections::btree_map::Entry;
use std::fmt;

use figment::value::{Dict, Empty, Num, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::registry::value::table_value;

/// A parsed JSON document: its top-level table and the dotted paths of the keys written
/// twice (`leader.tokio.worker_threads`).
#[derive(Debug, Default)]
pub(crate) struct JsonDocument {
    pub dict: Dict,
    pub duplicates: Vec<String>,
}

/// Parses `text` (a leading byte-order mark is skipped).
///
/// # Errors
///
/// `serde_json`'s syntax error (with its line and column), or "not an object" for a
/// document whose top level is not a table.
pub(crate) fn parse(text: &str) -> Result<JsonDocument, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut duplicates = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Node {
        at: None,
        duplicates: &mut duplicates,
    }
    .deserialize(&mut deserializer)
    .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    match value {
        Value::Dict(_, dict) => Ok(JsonDocument { dict, duplicates }),
        other => Err(format!(
            "expected a JSON object at the top, found {}",
            crate::registry::value::describe(&other)
        )),
    }
}

/// Where a value sits: its key and its table's place, as a chain on the stack, so that a
/// key path is built only for a duplicate.
struct Link<'p> {
    key: &'p str,
    parent: Option<&'p Link<'p>>,
}

impl Link<'_> {
    /// The dotted key path, root first.
    fn path(&self) -> String {
        match self.parent {
            Some(parent) => format!("{}.{}", parent.path(), self.key),
            None => self.key.to_string(),
        }
    }
}

/// One value of the document at `at` (`None`: the top), recording duplicate keys below it.
struct Node<'a, 'p> {
    at: Option<&'p Link<'p>>,
    duplicates: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(Num::I64(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(Num::U64(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(Num::F64(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::from(Empty::Unit))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let Node { at, duplicates } = self;
        while let Some(item) = seq.next_element_seed(Node {
            at,
            duplicates: &mut *duplicates,
        })? {
            items.push(item);
        }
        Ok(Value::from(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut dict = Dict::new();
        let Node { at, duplicates } = self;
        while let Some(key) = map.next_key::<String>()? {
            let link = Link {
                key: &key,
                parent: at,
            };
            let value = map.next_value_seed(Node {
                at: Some(&link),
                duplicates: &mut *duplicates,
            })?;
            match dict.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(mut entry) => {
                    // The last one wins, as in serde_json; the repetition is a problem.
                    let link = Link {
                        key: entry.key(),
                        parent: at,
                    };
                    duplicates.push(link.path());
                    entry.insert(value);
                }
            }
        }
        Ok(table_value(dict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_at_every_depth_and_the_bom_is_skipped() {
        let doc = parse(
            "\u{feff}{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}, \"a\": [ {\"d\": 1, \"d\": 1} ]}",
        )
        .unwrap();
        assert_eq!(doc.duplicates, ["b.c", "a.d", "a"]);
        assert!(parse("[1]").unwrap_err().contains("object"));
        assert!(parse("{} x").is_err());
    }

    #[test]
    fn figments_internal_field_names_are_plain_keys() {
        let doc = parse(r#"{"___figment_value_id": 1, "___figment_value_value": 2}"#).unwrap();
        assert_eq!(doc.dict.len(), 2);
    }
}
