//! Merging checked tables, lowest layer first, remembering the source of every leaf.
//!
//! Leaves replace, tables merge, lists and `nixl.backends` replace whole (they are leaves
//! of the registry), and a one-of table whose `type` changes is replaced rather than mixed
//! with the lower layer's fields. [`Origins`] keeps the source of every leaf set; it feeds
//! both the problems of the later stages and the [`crate::LoadReport`].

use figment::value::{Dict, Value};

use crate::declare::{join, key_buffer, push_name};
use crate::error::{Problem, Warning};
use crate::one_of::TYPE_KEY;
use crate::registry::value::table_value;
use crate::registry::{self, Node, TableInfo};
use crate::source::Source;

/// The source of each value of one table being checked or merged, by dotted key.
pub(crate) type TableSourceOf<'a> = dyn Fn(&str, &Value) -> Source + 'a;

/// The merged tree of all sources read so far, the source of each leaf, and what was
/// found wrong on the way.
#[derive(Default)]
pub(crate) struct Assembly {
    merged: Dict,
    origins: Origins,
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
    /// The sections declared another crate's (see `foreign.rs`), and what the sources set
    /// in them, merged in the same order.
    foreign_names: Vec<String>,
    foreign: Dict,
}

impl Assembly {
    /// An assembly that leaves the sections `names` to the crates that own them.
    pub(crate) fn with_foreign_sections(names: Vec<String>) -> Assembly {
        Assembly {
            foreign_names: names,
            ..Assembly::default()
        }
    }

    /// The sections declared another crate's.
    pub(crate) fn foreign_names(&self) -> &[String] {
        &self.foreign_names
    }

    /// Merges what a higher source set in the foreign sections on top.
    pub(crate) fn merge_foreign(&mut self, upper: Dict) {
        merge_dicts(&mut self.foreign, upper);
    }

    /// What the sources set in the foreign sections.
    pub(crate) fn foreign(&self) -> &Dict {
        &self.foreign
    }

    /// Merges a checked table of a higher layer on top.
    pub(crate) fn merge(&mut self, upper: Dict, source_of: &TableSourceOf<'_>) {
        merge_into(
            &mut self.merged,
            upper,
            &mut key_buffer(),
            source_of,
            &mut self.origins,
        );
    }

    /// Records problems, in the order the sources were read.
    pub(crate) fn problems(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    /// Records warnings.
    pub(crate) fn warnings(&mut self, warnings: impl IntoIterator<Item = Warning>) {
        self.warnings.extend(warnings);
    }

    /// Emits each warning once (see [`crate::error::log_warnings`]).
    pub(crate) fn log_warnings(&self) {
        crate::error::log_warnings(&self.warnings);
    }

    /// Whether any problem was found so far.
    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The merged tree and its origins, for the stage that checks it as a whole.
    pub(crate) fn tree_mut(&mut self) -> (&mut Dict, &Origins) {
        (&mut self.merged, &self.origins)
    }

    /// The merged tree.
    pub(crate) fn tree(&self) -> &Dict {
        &self.merged
    }

    /// The origins of the merged tree.
    pub(crate) fn origins(&self) -> &Origins {
        &self.origins
    }

    /// Turns every warning into a problem (strict loads).
    pub(crate) fn warnings_as_problems(&mut self) {
        let warnings = std::mem::take(&mut self.warnings);
        self.problems
            .extend(warnings.into_iter().map(Problem::from_warning));
    }

    /// Everything found: the tree, its origins, the problems and the warnings.
    pub(crate) fn into_parts(self) -> (Dict, Origins, Vec<Problem>, Vec<Warning>) {
        (self.merged, self.origins, self.problems, self.warnings)
    }
}

/// For each dotted key that a source set, that source: a table by registry slot (every key
/// merged was checked against the registry first), so recording a source is an index, and
/// reading them in slot order reads them in key order.
#[derive(Clone, Default)]
pub(crate) struct Origins {
    /// By slot; empty until the first source is recorded.
    by_slot: Vec<Option<Source>>,
}

/// Equal when the same keys have the same sources (however the table was sized).
impl PartialEq for Origins {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Origins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Origins {
    /// The source of `key`: the source that set it; else that of the nearest table above
    /// it that a source set (to `null`, or to an empty table); else, for a table, that of
    /// the first key below it; else [`Source::Default`]. The one rule for every lookup.
    pub(crate) fn source_for(&self, key: &str) -> Source {
        if self.by_slot.is_empty() {
            // No source set anything (a load of the defaults alone).
            return Source::Default;
        }
        if let Some(source) = self.get(key) {
            return source.clone();
        }
        let mut prefix = key;
        while let Some((parent, _)) = prefix.rsplit_once('.') {
            if let Some(source) = self.get(parent) {
                return source.clone();
            }
            prefix = parent;
        }
        let below = join(key, "");
        let first_below = self.below(&below).next().map(|(_, source)| source.clone());
        first_below.unwrap_or(Source::Default)
    }

    /// Every key a source set, with its source, sorted by key.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Source)> {
        let registry = registry::registry();
        self.by_slot
            .iter()
            .enumerate()
            .filter_map(|(slot, source)| {
                let key: &str = registry.key_at(slot);
                Some((key, source.as_ref()?))
            })
    }

    fn get(&self, key: &str) -> Option<&Source> {
        let (_, slot) = registry::registry().lookup(key)?;
        self.by_slot.get(slot)?.as_ref()
    }

    /// The keys that start with `below` (a table's key and a dot) and have a source, in
    /// order.
    fn below(&self, below: &str) -> impl Iterator<Item = (&'static str, &Source)> + '_ {
        let registry = registry::registry();
        let slots = registry.slots_starting_with(below);
        let sources = self.by_slot.get(slots.clone()).unwrap_or_default();
        slots
            .zip(sources)
            .filter_map(|(slot, source)| Some((registry.key_at(slot), source.as_ref()?)))
    }

    /// Records the source of the key in `slot`.
    fn set(&mut self, slot: usize, source: Source) {
        if self.by_slot.is_empty() {
            self.by_slot
                .resize_with(registry::registry().slot_count(), || None);
        }
        self.by_slot[slot] = Some(source);
    }

    fn forget(&mut self, slot: usize) {
        if let Some(source) = self.by_slot.get_mut(slot) {
            *source = None;
        }
    }

    /// Forgets the key in `slot` and everything below it (a table that a higher layer
    /// replaced).
    fn remove_under(&mut self, slot: usize) {
        let registry = registry::registry();
        let below = join(registry.key_at(slot), "");
        self.forget(slot);
        for slot in registry.slots_starting_with(&below) {
            self.forget(slot);
        }
    }
}

/// Merges `upper` into `acc`: leaves replace, tables merge, one-of tables whose `type`
/// changes are replaced. Records the source of every leaf set. `key` holds the dotted key
/// of `acc` on entry and is restored on return (one buffer for the whole walk).
fn merge_into(
    acc: &mut Dict,
    upper: Dict,
    key: &mut String,
    source_of: &TableSourceOf<'_>,
    origins: &mut Origins,
) {
    let registry = registry::registry();
    for (name, value) in upper {
        let parent = push_name(key, &name);
        // Every key merged was checked against the registry (`shape::check_section`, or
        // it is a variable's setting): it has a node and a slot.
        let Some((node, slot_of_key)) = registry.lookup(key) else {
            // Not reached; were it, the value still goes in, so that deserializing the
            // tree reports the unknown field rather than the merge losing it quietly.
            debug_assert!(false, "`{key}` was merged unchecked");
            acc.insert(name, value);
            key.truncate(parent);
            continue;
        };
        let table = match node {
            Node::Section(id) => Some(registry.table(id)),
            Node::Leaf(_) => None,
        };
        let is_section = table.is_some();
        let section_source = table
            .filter(TableInfo::presence_matters)
            .map(|_| source_of(key, &value));
        match value {
            Value::Dict(_, inner) if is_section => {
                let one_of = table.is_some_and(|table| table.variants.is_some());
                let replace = one_of && switches_variant(acc.get(&name), &inner);
                let slot = acc.entry(name).or_insert_with(|| table_value(Dict::new()));
                if replace || !matches!(slot, Value::Dict(..)) {
                    *slot = table_value(Dict::new());
                    origins.remove_under(slot_of_key);
                }
                if let Value::Dict(_, slot) = slot {
                    merge_into(slot, inner, key, source_of, origins);
                    // Only a table whose presence matters ever has a source of its own.
                    match section_source {
                        Some(source) if slot.is_empty() => origins.set(slot_of_key, source),
                        Some(_) => origins.forget(slot_of_key),
                        None => {}
                    }
                }
            }
            value => {
                // A leaf has nothing below it; a table set to `null` may have had.
                if is_section {
                    origins.remove_under(slot_of_key);
                }
                let source = source_of(key, &value);
                origins.set(slot_of_key, source);
                acc.insert(name, value);
            }
        }
        key.truncate(parent);
    }
}

/// Whether `upper` sets a one-of table to another variant than `lower` had.
fn switches_variant(lower: Option<&Value>, upper: &Dict) -> bool {
    fn type_of(dict: &Dict) -> Option<&str> {
        dict.get(TYPE_KEY).and_then(Value::as_str)
    }
    match (lower, type_of(upper)) {
        (Some(Value::Dict(_, lower)), Some(new)) => type_of(lower).is_some_and(|old| old != new),
        _ => false,
    }
}

/// `high` merged over `low`, table by table; a leaf of `high` wins (as figment's `merge`).
pub(crate) fn merge_dicts(low: &mut Dict, high: Dict) {
    for (key, value) in high {
        match (low.get_mut(&key), value) {
            (Some(Value::Dict(_, below)), Value::Dict(_, above)) => merge_dicts(below, above),
            (_, value) => {
                low.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_equal_when_the_same_keys_have_the_same_sources() {
        let (_, slot) = registry::registry()
            .lookup("tokio.worker_threads")
            .expect("a setting");
        let mut forgotten = Origins::default();
        forgotten.set(slot, Source::Code);
        assert_ne!(forgotten, Origins::default());
        assert_eq!(forgotten.source_for("tokio.worker_threads"), Source::Code);
        assert_eq!(
            forgotten.source_for("tokio"),
            Source::Code,
            "first key below"
        );
        forgotten.forget(slot);
        assert_eq!(forgotten, Origins::default(), "sized, but nothing set");
        assert_eq!(
            forgotten.source_for("tokio.worker_threads"),
            Source::Default
        );
    }
}
