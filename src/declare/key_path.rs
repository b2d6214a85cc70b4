//! Dotted keys: a table's place as a chain of names on the stack, and joining names.

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

/// Appends `.name` (or `name` at the root) to the dotted key `path`, returning the length to
/// truncate back to: walks over a tree build each key in one buffer, allocating none.
pub(crate) fn push_name(path: &mut String, name: &str) -> usize {
    let before = path.len();
    if before > 0 {
        path.push('.');
    }
    path.push_str(name);
    before
}

/// An empty buffer for [`push_name`], with room for any dotted key of a config (the longest
/// with a profile, `leader.offload.g2_to_g3.presence_lfu.min_lfu_count`, is 50 bytes), so
/// a walk never grows it.
pub(crate) fn key_buffer() -> String {
    String::with_capacity(96)
}
