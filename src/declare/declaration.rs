//! A declaration: one setting as its section declares it, and the entries of a section.

use figment::value::Value;

use super::collect::{Collector, KeyPath};
use super::kind::{Absent, Kind};
use super::rule::{Context, Rule, Violation};

/// One setting as its section module declares it (the key is relative to the section).
#[derive(Debug)]
pub(crate) struct Declaration {
    /// The field name, the last part of the key.
    pub name: &'static str,
    /// One-line description: the first line of the field's doc, without its full stop.
    pub doc: &'static str,
    /// The `KVBM_*` variable that sets it; `"auto"` for one derived from the key (a
    /// table used at several keys, like an offload hop).
    pub env: &'static str,
    /// The value type, from the Rust type.
    pub kind: Kind,
    /// `true` when the Rust type is an `Option`.
    pub optional: bool,
    /// The rules that run at load and in [`crate::KvbmConfig::check`].
    pub rules: &'static [Rule],
    /// The rules in words; empty when any value of the type is valid.
    pub constraint: &'static str,
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
        env: &'static str,
        names: &'static [&'static str],
    ) -> Declaration {
        Declaration {
            name: "type",
            doc,
            env,
            kind: Kind::Choice(names),
            optional: true,
            rules: &[],
            constraint: "",
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

/// An entry of a section's table: a setting, or a nested table.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A setting declaration here.
    Setting(Declaration),
    /// A setting declaration in another variant of the same one-of table.
    SameAs {
        /// The field name.
        name: &'static str,
        /// The entries of the variant that declares it.
        from: &'static [Entry],
    },
    /// A nested table (`flatten`: its fields sit beside this section's).
    Table {
        /// The field name.
        name: &'static str,
        /// Written beside this section's own fields.
        flatten: bool,
        /// Declares the nested table's entries.
        declare: fn(&mut Collector, &str, Option<&'static str>),
    },
    /// A variant of a one-of table.
    Variant {
        /// The variant's name, as written after `type =`.
        name: &'static str,
        /// Declares the variant's entries.
        declare: fn(&mut Collector, &str, Option<&'static str>),
    },
}

/// The declaration named `name` among `entries`.
pub(crate) fn declaration_in(entries: &'static [Entry], name: &str) -> &'static Declaration {
    entries
        .iter()
        .find_map(|entry| match entry {
            Entry::Setting(declaration) if declaration.name == name => Some(declaration),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no setting `{name}` is declaration there"))
}

/// A table of the config whose settings are declaration with [`settings!`] (or by hand, for
/// the one-of enums).
pub(crate) trait Section {
    /// The section's settings and nested tables, in declaration order.
    const ENTRIES: &'static [Entry];

    /// Adds every setting under `prefix` to `collector`; `variant` is the one-of variant
    /// being declaration, if any.
    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        collector.entries(Self::ENTRIES, prefix, variant);
    }

    /// Checks every declaration rule of this table (at `at`) and of the tables below it.
    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>);
}

impl<T: Section> Section for Option<T> {
    const ENTRIES: &'static [Entry] = T::ENTRIES;

    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        collector.optional_sections.push(prefix.to_string());
        T::declare(collector, prefix, variant);
    }

    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>) {
        if let Some(section) = self {
            section.check(at, context, found);
        }
    }
}
