//! The entries of a section's table, the `Section` trait each table implements, and the
//! collector that walks them from the root to build the registry.

use super::declaration::Declaration;
use super::key_path::{join, KeyPath};
use super::rule::Violation;

/// An entry of a section's table: a setting, or a nested table.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A setting declared here.
    Setting(Declaration),
    /// A setting declared in another variant of the same one-of table.
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
        .unwrap_or_else(|| panic!("no setting `{name}` is declared there"))
}

/// A table of the config whose settings are declared with [`settings!`](super::settings) (or by hand, for
/// the one-of enums).
pub(crate) trait Section {
    /// The section's settings and nested tables, in declaration order.
    const ENTRIES: &'static [Entry];

    /// What JSON `null` for this table means, as a value of it (`null: EXPR;` after the
    /// struct in its `settings!` table); `None`: `null` is refused (or, for an `Option`
    /// table, unsets it). Upstream's releases had `Option` tables where this crate has
    /// plain ones (`nixl`, `cache.disk`); their `null` keeps its meaning here.
    fn null_value() -> Option<figment::value::Value> {
        None
    }

    /// Adds every setting under `prefix` to `collector`; `variant` is the one-of variant
    /// being declared, if any.
    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        if let Some(value) = Self::null_value() {
            collector.null_tables.push((prefix.to_string(), value));
        }
        collector.entries(Self::ENTRIES, prefix, variant);
    }

    /// Checks every declared rule of this table (at `at`) and of the tables below it.
    fn check(&self, at: &KeyPath<'_>, found: &mut Vec<Violation>);
}

impl<T: Section> Section for Option<T> {
    const ENTRIES: &'static [Entry] = T::ENTRIES;

    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        collector.optional_sections.push(prefix.to_string());
        T::declare(collector, prefix, variant);
    }

    fn check(&self, at: &KeyPath<'_>, found: &mut Vec<Violation>) {
        if let Some(section) = self {
            section.check(at, found);
        }
    }
}

/// Every setting of the config under its dotted key, as the declarations give them.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// The settings in declaration order, each with the variants that have it.
    pub settings: Vec<(String, &'static Declaration, Vec<&'static str>)>,
    /// Tables that may be absent, or set to `null` by a higher layer.
    pub optional_sections: Vec<String>,
    /// Tables whose `null` means a value of theirs (NixL off, no disk tier).
    pub null_tables: Vec<(String, figment::value::Value)>,
    /// One-of tables with their variant names.
    pub variant_tables: Vec<(String, Vec<&'static str>)>,
    /// Every nested table, even one without settings (`presence = {}`).
    pub sections: Vec<String>,
}

impl Collector {
    pub(crate) fn entries(
        &mut self,
        entries: &'static [Entry],
        prefix: &str,
        variant: Option<&'static str>,
    ) {
        for entry in entries {
            match entry {
                Entry::Setting(declaration) => self.setting(prefix, declaration, variant),
                Entry::SameAs { name, from } => {
                    self.setting(prefix, declaration_in(from, name), variant)
                }
                Entry::Table {
                    name,
                    flatten,
                    declare,
                } => {
                    let key = if *flatten {
                        prefix.to_string()
                    } else {
                        join(prefix, name)
                    };
                    if !self.sections.contains(&key) {
                        self.sections.push(key.clone());
                    }
                    declare(self, &key, variant);
                }
                Entry::Variant { name, declare } => {
                    match self.variant_tables.iter_mut().find(|(t, _)| t == prefix) {
                        Some((_, names)) => names.push(name),
                        None => self.variant_tables.push((prefix.to_string(), vec![name])),
                    }
                    declare(self, prefix, Some(name));
                }
            }
        }
    }

    fn setting(
        &mut self,
        prefix: &str,
        declaration: &'static Declaration,
        variant: Option<&'static str>,
    ) {
        let key = join(prefix, declaration.name);
        let variants = variant.into_iter().collect::<Vec<_>>();
        match self.settings.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, first, owners)) => {
                assert!(
                    std::ptr::eq(*first, declaration),
                    "`{key}` is declared twice; use `same_as` in the second variant"
                );
                owners.extend(variants);
            }
            None => self.settings.push((key, declaration, variants)),
        }
    }
}
