//! Key paths and the collector that walks the declarations to build the registry.

use super::declaration::{declaration_in, Declaration, Entry};

/// Where a table sits, as a chain of names built on the stack while checking, so that a
/// valid config is checked without building a single key string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyPath<'a> {
    parent: Option<&'a KeyPath<'a>>,
    name: &'static str,
}

impl<'a> KeyPath<'a> {
    /// The root table.
    pub(crate) const ROOT: KeyPath<'static> = KeyPath {
        parent: None,
        name: "",
    };

    /// The table `name` inside this one.
    pub(crate) fn child(&'a self, name: &'static str) -> KeyPath<'a> {
        KeyPath {
            parent: Some(self),
            name,
        }
    }

    /// The dotted key of `name` in this table.
    pub(crate) fn key(&self, name: &str) -> String {
        let mut parts = vec![name];
        let mut at = Some(self);
        while let Some(path) = at {
            if !path.name.is_empty() {
                parts.push(path.name);
            }
            at = path.parent;
        }
        parts.reverse();
        parts.join(".")
    }
}

/// `prefix.name`, or `name` at the root.
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        return name.to_string();
    }
    let mut joined = String::with_capacity(prefix.len() + 1 + name.len());
    joined.push_str(prefix);
    joined.push('.');
    joined.push_str(name);
    joined
}

/// Every setting of the config under its dotted key, as the declarations give them.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// The settings in declaration order, each with the variants that have it.
    pub settings: Vec<(String, &'static Declaration, Vec<&'static str>)>,
    /// Tables that may be absent, or set to `null` by a higher layer.
    pub optional_sections: Vec<String>,
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
                    "`{key}` is declaration twice; use `same_as` in the second variant"
                );
                owners.extend(variants);
            }
            None => self.settings.push((key, declaration, variants)),
        }
    }
}
