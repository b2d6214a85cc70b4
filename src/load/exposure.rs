//! Credentials in a file every user may read: a warning per credential, by the redaction
//! rule, for TOML files and JSON documents alike (inside lists of tables too).

use std::path::Path;

use figment::value::{Dict, Value};

use crate::declare::{key_buffer, push_name};
use crate::error::Warning;
use crate::source::Source;

/// A file (TOML or JSON) that holds a credential by the redaction rule (a key named like
/// one, a URL with a password) and that every user may read gets a warning per credential, naming the key,
/// never the value, and the `chmod` that fixes it, as ssh and the cloud CLIs do.
pub(crate) fn exposed_credentials(
    path: &Path,
    metadata: &std::fs::Metadata,
    doc: &Dict,
    source_of: &dyn Fn(&str) -> Source,
) -> Vec<Warning> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o004 == 0 {
            return Vec::new();
        }
        let mut keys = Vec::new();
        credential_keys(doc, &mut key_buffer(), &mut keys);
        keys.into_iter()
            .map(|key| Warning {
                source: source_of(&key),
                message: format!(
                    "holds a credential and {} is readable by every user (mode {mode:o}); run `chmod 600 {}`",
                    path.display(),
                    crate::secret::shell_quote(&path.to_string_lossy())
                ),
                key,
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = (path, metadata, doc, source_of);
        Vec::new()
    }
}

/// The dotted keys (as written) of values that hold a credential. `path` is a scratch
/// buffer holding the current table's key, so that only a found key is allocated.
#[cfg_attr(not(unix), allow(dead_code))]
fn credential_keys(dict: &Dict, path: &mut String, keys: &mut Vec<String>) {
    for (name, value) in dict {
        let start = push_name(path, name);
        credential_value(value, path, keys);
        path.truncate(start);
    }
}

/// The keys of credentials in one value at `path`: a table's entries, each item of a list
/// (a list of tables, as a MultiConnector's `connectors`, item by item as `path[i]`).
#[cfg_attr(not(unix), allow(dead_code))]
fn credential_value(value: &Value, path: &mut String, keys: &mut Vec<String>) {
    use crate::secret::holds_credential;
    match value {
        Value::Dict(_, inner) => credential_keys(inner, path, keys),
        Value::Array(_, items) => {
            let mut here = false;
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Dict(..) | Value::Array(..) => {
                        let start = path.len();
                        path.push_str(&format!("[{index}]"));
                        credential_value(item, path, keys);
                        path.truncate(start);
                    }
                    Value::String(_, text) => here |= holds_credential(path, Some(text)),
                    _ => here |= holds_credential(path, None),
                }
            }
            if here {
                keys.push(path.clone());
            }
        }
        Value::String(_, text) if holds_credential(path, Some(text)) => keys.push(path.clone()),
        _ if holds_credential(path, None) => keys.push(path.clone()),
        _ => {}
    }
}
