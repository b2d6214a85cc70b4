//! TOML config files, parsed once into a figment tree, remembering the line of every key
//! (read by [`super::read`]).
//!
//! The lines let errors and the load report point at `kvbm.toml:12` rather than just the
//! file. They are collected while converting `toml_edit`'s tree (the parser `toml` itself
//! uses), so a file is read and parsed exactly once.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use figment::value::{Dict, Value};

use toml_edit::{ImDocument, Item, Table};

use crate::declare::{key_buffer, push_name};
use crate::registry;
use crate::registry::value::table_value;
use crate::source::Profile;

/// The settings of one TOML file, and the line of each key as a profile table and a
/// dotted key in the tagged form (`[leader.nova.discovery.etcd] ttl_secs` is
/// `(Some(Leader), "nova.discovery.ttl_secs")`).
#[derive(Debug, Default)]
pub(crate) struct TomlFile {
    pub dict: Dict,
    /// The lines of the keys the registry knows, by profile table (plain, `default`,
    /// `leader`, `worker`) then registry slot; 0 where the file does not have the key.
    /// Empty until the first line is recorded.
    known: Vec<u32>,
    /// The lines of the keys it does not know (typos, reported as unknown keys), by
    /// profile table then key.
    unknown: [HashMap<String, u32>; 4],
}

/// The profile tables of a file: plain, `default`, `leader`, `worker`.
const PROFILE_TABLES: usize = 4;

/// Where the line of the registry slot `slot` in the profile table `table` is kept.
fn known_index(table: usize, slot: usize) -> usize {
    table * registry::registry().slot_count() + slot
}

fn profile_table(profile: Option<Profile>) -> usize {
    match profile {
        None => 0,
        Some(Profile::Default) => 1,
        Some(Profile::Leader) => 2,
        Some(Profile::Worker) => 3,
    }
}

impl TomlFile {
    /// Parses `text`; the error is `toml`'s message with its line and column.
    pub(crate) fn parse(text: &str) -> Result<TomlFile, String> {
        let doc = ImDocument::parse(text).map_err(|e| {
            let at = e.span().map(|span| line_and_column(text, span.start));
            match at {
                Some((line, column)) => format!(
                    "invalid TOML at line {line}, column {column}: {}",
                    e.message().trim()
                ),
                None => format!("invalid TOML: {}", e.message().trim()),
            }
        })?;
        let mut file = TomlFile::default();
        let starts = LineIndex::new(text);
        file.dict = file.table(doc.as_table(), &starts, &mut key_buffer()).0;
        Ok(file)
    }

    /// The line of `key` in the profile table `profile`; for a key the file does not spell
    /// out (the `type` implied by `[nova.discovery.etcd]`), the line of its nearest table.
    pub(crate) fn line(&self, profile: Option<Profile>, key: &str) -> Option<u32> {
        let table = profile_table(profile);
        let mut key = key;
        loop {
            if let Some(line) = self.line_of(table, key) {
                return Some(line);
            }
            key = key.rsplit_once('.')?.0;
        }
    }

    /// The line of exactly `key` in the profile table `table`.
    fn line_of(&self, table: usize, key: &str) -> Option<u32> {
        match registry::registry().lookup(key) {
            Some((_, slot)) => {
                let line = *self.known.get(known_index(table, slot))?;
                (line > 0).then_some(line)
            }
            None => self.unknown[table].get(key).copied(),
        }
    }

    /// Converts `table`, whose dotted key is `path` (restored on return), remembering the
    /// line of every key; returns the first line of its keys.
    ///
    /// Lines come from the items' own spans, not their keys' (a lookup per key): a value
    /// starts on its key's line (TOML writes both on one), and a table's span is its header.
    /// A table with no header of its own (`a` of `[a.b]`, `a` of `a.b = 1`) takes the first
    /// line below it.
    fn table(
        &mut self,
        table: &Table,
        starts: &LineIndex<'_>,
        path: &mut String,
    ) -> (Dict, Option<u32>) {
        let mut dict = Dict::new();
        let mut first = None;
        for (name, item) in table.iter() {
            let parent = push_name(path, name);
            let own = item.span().map(|span| starts.line(span.start));
            if let Some(line) = own {
                self.remember(path, line);
            }
            let (value, below) = self.item(item, starts, path);
            let line = own.or(below);
            if let (None, Some(line)) = (own, line) {
                self.remember(path, line);
            }
            first = min_line(first, line);
            if let Some(value) = value {
                dict.insert(name.to_string(), value);
            }
            path.truncate(parent);
        }
        (dict, first)
    }

    /// An item's value and the first line below it.
    fn item(
        &mut self,
        item: &Item,
        starts: &LineIndex<'_>,
        path: &mut String,
    ) -> (Option<Value>, Option<u32>) {
        match item {
            Item::None => (None, None),
            Item::Table(table) => {
                let (dict, first) = self.table(table, starts, path);
                (Some(table_value(dict)), first)
            }
            Item::ArrayOfTables(tables) => {
                let mut first = None;
                let tables = tables
                    .iter()
                    .map(|t| {
                        let (dict, line) = self.table(t, starts, path);
                        first = min_line(first, line);
                        table_value(dict)
                    })
                    .collect();
                (Some(Value::Array(Default::default(), tables)), first)
            }
            Item::Value(value) => (Some(self.value(value, starts, path)), None),
        }
    }

    fn value(
        &mut self,
        value: &toml_edit::Value,
        starts: &LineIndex<'_>,
        path: &mut String,
    ) -> Value {
        use toml_edit::Value as V;
        match value {
            V::String(s) => Value::from(s.value().clone()),
            V::Integer(i) => Value::from(*i.value()),
            V::Float(f) => Value::from(*f.value()),
            V::Boolean(b) => Value::from(*b.value()),
            V::Datetime(d) => Value::from(d.value().to_string()),
            V::Array(items) => {
                let items = items.iter().map(|v| self.value(v, starts, path)).collect();
                Value::Array(Default::default(), items)
            }
            V::InlineTable(table) => {
                let mut dict = Dict::new();
                for (name, v) in table.iter() {
                    let parent = push_name(path, name);
                    if let Some(span) = v.span() {
                        self.remember(path, starts.line(span.start));
                    }
                    dict.insert(name.to_string(), self.value(v, starts, path));
                    path.truncate(parent);
                }
                table_value(dict)
            }
        }
    }

    /// Records the first line the dotted key `path` appears on, under its profile and
    /// tagged-form key.
    fn remember(&mut self, path: &str, line: u32) {
        let (profile, key) = split_profile(path);
        let key = tagged_form_key(key);
        let table = profile_table(profile);
        let registry = registry::registry();
        match registry.lookup(&key) {
            Some((_, slot)) => {
                if self.known.is_empty() {
                    self.known.resize(PROFILE_TABLES * registry.slot_count(), 0);
                }
                let known = &mut self.known[known_index(table, slot)];
                if *known == 0 {
                    *known = line;
                }
            }
            None => {
                let unknown = &mut self.unknown[table];
                if !unknown.contains_key(key.as_ref()) {
                    unknown.insert(key.into_owned(), line);
                }
            }
        }
    }
}

/// The earlier of two lines, either unknown.
fn min_line(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `leader.nova.x` → `(Some(Leader), "nova.x")`. A lone profile name is a key of the
/// plain document (`leader` itself).
fn split_profile(path: &str) -> (Option<Profile>, &str) {
    match path.split_once('.') {
        Some((first, rest)) => match Profile::from_name(first) {
            Some(profile) => (Some(profile), rest),
            None => (None, path),
        },
        None => (None, path),
    }
}

/// A key in the table spelling of a one-of table in its tagged form:
/// `nova.discovery.etcd.ttl_secs` → `nova.discovery.ttl_secs`, `nova.discovery.etcd` →
/// `nova.discovery`. Any other key is returned as it is.
fn tagged_form_key(key: &str) -> Cow<'_, str> {
    // A released table name (`[messenger.backend]`) keeps its lines under this crate's.
    if let Cow::Owned(canonical) = registry::canonical_key(key) {
        return Cow::Owned(tagged_form_key(&canonical).into_owned());
    }
    for &(table, variants) in &registry::registry().variant_tables {
        let Some(after) = key.strip_prefix(table).and_then(|k| k.strip_prefix('.')) else {
            continue;
        };
        let (first, field) = after.split_once('.').unwrap_or((after, ""));
        if variants.contains(&first) {
            return match field.is_empty() {
                true => Cow::Borrowed(table),
                false => Cow::Owned(format!("{table}.{field}")),
            };
        }
        break;
    }
    Cow::Borrowed(key)
}

/// The line of a byte offset, counted on demand from the last offset asked, forward or
/// back: keys come nearly in document order, so the text is scanned about once, with
/// `memchr`'s SIMD search (a byte-by-byte count was 4 % of a load, a table of every line
/// start 7 %).
pub(crate) struct LineIndex<'t> {
    bytes: &'t [u8],
    /// The last offset asked and its line (1-based).
    at: std::cell::Cell<(usize, u32)>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        LineIndex {
            bytes: text.as_bytes(),
            at: std::cell::Cell::new((0, 1)),
        }
    }

    /// The 1-based line of `offset`.
    fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.bytes.len());
        let (at, line_at) = self.at.get();
        let newlines = |range: std::ops::Range<usize>| {
            let count = memchr::memchr_iter(b'\n', &self.bytes[range]).count();
            u32::try_from(count).unwrap_or(u32::MAX)
        };
        // An offset may come before the last one asked (`[cache]` written after
        // `[cache.host]` is visited first): count back rather than from the start.
        let line = match offset >= at {
            true => line_at.saturating_add(newlines(at..offset)),
            false => line_at.saturating_sub(newlines(offset..at)),
        };
        self.at.set((offset, line));
        line
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    // toml_edit's offset may fall inside a multi-byte character: back up to its start
    // rather than slice there (which would panic).
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_line_of_each_key_in_tagged_form() {
        let text =
            "[tokio]\nworker_threads = 2\n\n[leader.nova.discovery.etcd]\ncluster_id = \"c\"\n\
                    [worker.nixl]\nbackends = { UCX = {} }\n";
        let file = TomlFile::parse(text).unwrap();
        assert_eq!(file.line(None, "tokio.worker_threads"), Some(2));
        assert_eq!(
            file.line(Some(Profile::Leader), "nova.discovery.cluster_id"),
            Some(5)
        );
        assert_eq!(file.line(Some(Profile::Worker), "nixl.backends"), Some(7));
        assert_eq!(file.line(None, "leader"), Some(4));
        assert_eq!(
            file.line(Some(Profile::Leader), "nova.discovery.type"),
            Some(4),
            "implied by the table"
        );
    }

    #[cfg(unix)]
    #[test]
    fn lines_are_counted_forward_and_back() {
        let text = "a\nb\nc\nd\n";
        let index = LineIndex::new(text);
        let expected = |offset: usize| text[..offset].matches('\n').count() as u32 + 1;
        for offset in [4, 6, 0, 7, 2, 2, 100, 3, 1] {
            let offset = offset.min(text.len());
            assert_eq!(index.line(offset), expected(offset), "offset {offset}");
        }
    }

    #[test]
    fn a_table_without_a_header_has_the_line_of_its_first_key() {
        let text = "[nova]\ndiscovery.etcd.cluster_id = \"c\"\n\n[foo.bar]\nx = 1\n\
                    [[arr]]\ny = 2\n[[arr]]\ny = 3\n[tokio]\nt = { a = 1, b = [\n2] }\n";
        let file = TomlFile::parse(text).unwrap();
        let line = |key: &str| file.line(None, key);
        assert_eq!(line("nova"), Some(1));
        assert_eq!(line("nova.discovery.cluster_id"), Some(2));
        assert_eq!(
            line("nova.discovery"),
            Some(2),
            "dotted keys make no header"
        );
        assert_eq!(line("nova.discovery.type"), Some(2), "implied by the table");
        assert_eq!(line("foo"), Some(4), "implicit table of `[foo.bar]`");
        assert_eq!(line("foo.bar"), Some(4));
        assert_eq!(line("foo.bar.x"), Some(5));
        assert_eq!(line("arr"), Some(6));
        assert_eq!(line("arr.y"), Some(7), "the first table of the array");
        assert_eq!(line("tokio.t"), Some(11));
        assert_eq!(line("tokio.t.b"), Some(11));
    }

    #[test]
    fn an_offset_inside_a_multi_byte_character_does_not_panic() {
        let text = "# é\nkey = \"ü\" = 1\n";
        let inside_e = text.find('é').unwrap() + 1;
        assert_eq!(line_and_column(text, inside_e), (1, 3));
        let error = TomlFile::parse("[tokio]\nname = \"日本\" x\n").unwrap_err();
        assert!(error.starts_with("invalid TOML at line 2"), "{error}");
    }

    #[test]
    fn a_syntax_error_has_its_line_and_column() {
        let error = TomlFile::parse("[tokio]\nworker_threads = = 2\n").unwrap_err();
        assert!(
            error.starts_with("invalid TOML at line 2, column"),
            "{error}"
        );
    }
}
