//! A declaration: one setting as its section's `settings!` table declares it.

use figment::value::Value;

use super::kind::{Absent, Kind};
use super::rule::Rule;

/// One setting as its section module declares it (the key is relative to the section).
#[derive(Debug)]
pub(crate) struct Declaration {
    /// The struct that declares it (`TokioConfig`), for its generated rustdoc.
    pub owner: &'static str,
    /// The field name, the last part of the key.
    pub name: &'static str,
    /// Marked `secret`: the value may hold a credential (a URL password, a key), so
    /// `Debug` and every output show it only through the redaction rule.
    pub secret: bool,
    /// Marked `agree`: every process of one deployment (the leader and each worker, on every
    /// node) must have the same value; the agreement digest and the cross-role check read it.
    pub agree: bool,
    /// Marked `nullable`: `null` in a JSON document means the declared default, as it
    /// did for upstream's `Option` field (the field here holds the value the default gave).
    pub nullable: bool,
    /// One-line description: the first line of the field's doc, without its full stop.
    pub doc: &'static str,
    /// The `KVBM_*` variable that sets it, when it is not the one derived from the key
    /// ([`crate::registry::env_name`]): a name kept from an earlier release.
    pub env: Option<&'static str>,
    /// The value type, from the Rust type.
    pub kind: Kind,
    /// `true` when the Rust type is an `Option`.
    pub optional: bool,
    /// The rules that run at load and in [`crate::KvbmConfig::check`].
    pub rules: &'static [Rule],
    /// An example value as TOML writes it, for the template.
    pub example: Option<&'static str>,
    /// For a default that depends on the machine, the default in words.
    pub machine: Option<&'static str>,
    /// The default as a value tree; `None` when the default is unset.
    pub default: fn() -> Option<Value>,
}

impl Declaration {
    /// The `type` setting of a one-of table.
    pub(crate) const fn variant_tag(
        doc: &'static str,
        env: Option<&'static str>,
        names: &'static [&'static str],
    ) -> Declaration {
        Declaration {
            owner: "",
            name: "type",
            secret: false,
            // Which discovery method, which object client: the deployment shares them.
            agree: true,
            nullable: false,
            doc,
            env,
            kind: Kind::Choice(names),
            optional: true,
            rules: &[],
            example: None,
            machine: None,
            default: || None,
        }
    }
}

/// The serialized default of a setting; `None` for an unset one.
pub(crate) fn default_tree<T: serde::Serialize + Absent>(value: T) -> Option<Value> {
    if value.is_absent() {
        return None;
    }
    Value::serialize(value).ok()
}
