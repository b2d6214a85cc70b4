//! Fleet agreement: the settings every process of one deployment must share.
//!
//! One KVBM deployment is one leader plus a worker per GPU rank, often on many nodes. Each
//! process loads its own config (its node's files, its own variables, its role's JSON
//! profile), so processes can disagree where one config cannot be wrong: a leader and
//! workers in different discovery clusters never find each other, and a node writing G4
//! blocks to another bucket never finds them again.
//!
//! The settings that must agree are declared with the word `agree` in their section's
//! `settings!` table (and the `type` of each one-of table), so the list below is the
//! registry's, never written twice. [`KvbmConfig::agreement_digest`] hashes their values,
//! so processes compare one string (at handshake, or across nodes from their logs);
//! [`disagreements`] names each one that differs between two loaded configs, with both
//! values and both origins; [`diff`] compares the `show` output of two processes.
//!
//! Values are compared by meaning, not by spelling: a setting checked as a URL compares
//! (and hashes) as its normal form, and a list of etcd endpoints as the set of theirs, so
//! `etcd-0:2379` and `HTTP://Etcd-0:2379/`, or the same endpoints in another order, agree
//! (see [`compared`]).

use std::fmt::Write;

use figment::value::Value;
use sha2::{Digest, Sha256};

use crate::registry::{self, render, Setting};
use crate::source::Source;
use crate::{KvbmConfig, Loaded};

pub mod diff;

pub use diff::{differences, Difference, EffectiveConfig};

/// The settings every process of one deployment must share, in registry order.
pub fn must_agree() -> impl Iterator<Item = &'static Setting> {
    registry::settings().iter().filter(|setting| setting.agree)
}

/// A must-agree setting whose value differs between two configs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Disagreement {
    /// The dotted key.
    pub key: &'static str,
    /// Each side's value as TOML writes it (credentials redacted), `None` when unset.
    pub values: [Option<String>; 2],
    /// Where each side's value came from.
    pub sources: [Source; 2],
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "unset".into());
        write!(
            f,
            "{}: must be the same in every process, but is {} ({}) and {} ({})",
            self.key,
            shown(&self.values[0]),
            self.sources[0],
            shown(&self.values[1]),
            self.sources[1]
        )?;
        if self.values[0] == self.values[1] {
            f.write_str("; they differ in a redacted credential")?;
        }
        Ok(())
    }
}

/// The must-agree settings whose values differ between `left` and `right` (the leader's
/// and a worker's config, or two nodes'), each with both values and origins. Values are
/// compared by meaning (see [`compared`]), credentials included; they are shown redacted.
pub fn disagreements(left: &Loaded, right: &Loaded) -> Vec<Disagreement> {
    let trees = [tree(&left.config), tree(&right.config)];
    let json = [json_tree(&left.config), json_tree(&right.config)];
    must_agree()
        .filter_map(|setting| {
            if compared(setting, value_at(&json[0], setting.key))
                == compared(setting, value_at(&json[1], setting.key))
            {
                return None;
            }
            let values = [
                trees[0].find_ref(setting.key),
                trees[1].find_ref(setting.key),
            ];
            Some(Disagreement {
                key: setting.key,
                values: values.map(|value| value.map(render)),
                sources: [
                    left.report.origin(setting.key),
                    right.report.origin(setting.key),
                ],
            })
        })
        .collect()
}

/// A config as a value tree, defaults included.
fn tree(config: &KvbmConfig) -> Value {
    Value::serialize(config)
        .unwrap_or_else(|_| crate::registry::value::table_value(figment::value::Dict::new()))
}

/// A config as JSON, defaults included, credentials in the clear (for comparing only).
fn json_tree(config: &KvbmConfig) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
}

/// The value at a dotted key of a JSON tree; `null` is unset.
pub(crate) fn value_at<'a>(
    tree: &'a serde_json::Value,
    key: &str,
) -> Option<&'a serde_json::Value> {
    let mut value = tree;
    for segment in key.split('.') {
        value = value.as_object()?.get(segment)?;
    }
    (!value.is_null()).then_some(value)
}

/// The value of `setting` as agreement compares and hashes it: by meaning, not spelling.
/// A setting checked as a URL (`url`, `etcd_endpoints`) compares as normal URLs (see
/// [`normal_url`]), and a list of endpoints as the sorted set of them; any other value as
/// it is. `None` (unset) stays `None`.
pub fn compared(setting: &Setting, value: Option<&serde_json::Value>) -> Option<serde_json::Value> {
    let value = value?;
    let normal = |item: &serde_json::Value| match item.as_str() {
        Some(text) => serde_json::Value::String(normal_url(text)),
        None => item.clone(),
    };
    if setting.is_endpoint_set() {
        if let Some(items) = value.as_array() {
            let mut set: Vec<serde_json::Value> = items.iter().map(normal).collect();
            set.sort_by_key(|item| item.to_string());
            set.dedup();
            return Some(serde_json::Value::Array(set));
        }
    }
    if setting.is_url() {
        return Some(normal(value));
    }
    Some(value.clone())
}

/// A URL in the form two spellings of one endpoint share: `http://` when no scheme is
/// written (as etcd clients assume), scheme and host in lower case, no default port, no
/// trailing `/`. Text that does not parse as a URL is left as it is.
///
/// ```
/// use kvbm_config::agreement::normal_url;
///
/// assert_eq!(normal_url("etcd-0:2379"), "http://etcd-0:2379");
/// assert_eq!(normal_url("HTTP://Etcd-0:2379/"), "http://etcd-0:2379");
/// assert_eq!(normal_url("https://minio:443/kvbm/"), "https://minio/kvbm");
/// ```
pub fn normal_url(text: &str) -> String {
    let with_scheme = match text.contains("://") {
        true => std::borrow::Cow::Borrowed(text),
        false => std::borrow::Cow::Owned(format!("http://{text}")),
    };
    let Ok(url) = url::Url::parse(&with_scheme) else {
        return text.to_string();
    };
    let mut normal = url.to_string();
    if url.query().is_none() && url.fragment().is_none() {
        normal.truncate(normal.trim_end_matches('/').len());
    }
    normal
}

/// The canonical text the digest hashes: one line per must-agree setting, in key order,
/// `key=value` with the value as [`compared`] gives it, credentials redacted, in canonical
/// JSON (sorted keys), or `null` when unset.
fn canonical(config: &KvbmConfig) -> String {
    // The redacted form: a digest of a password would let anyone who sees it test guesses
    // offline, so credentials are not part of it (processes that differ only in one still
    // disagree in `disagreements`, which compares the real values).
    let tree = crate::secret::redacted(config);
    let mut settings: Vec<&Setting> = must_agree().collect();
    settings.sort_by_key(|setting| setting.key);
    let mut text = String::new();
    for setting in settings {
        let value =
            compared(setting, value_at(&tree, setting.key)).unwrap_or(serde_json::Value::Null);
        // serde_json's maps are sorted (no `preserve_order`), so this is canonical.
        let _ = writeln!(text, "{}={}", setting.key, value);
    }
    text
}

impl KvbmConfig {
    /// A stable hash of the settings every process of a deployment must share (see
    /// [`crate::agreement`]): `sha256:` and 64 hex digits. Configs that agree give the same
    /// digest whatever their per-process settings (threads, ports, sizes). Credentials are
    /// not hashed: the digest covers the redacted values, so it cannot be used to test
    /// guesses of a password (compare the real values with [`disagreements`]). The leader and its workers can compare it at handshake, and
    /// operators across nodes from the logs or `kvbm-config digest`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kvbm_config::KvbmConfig;
    ///
    /// let mut worker = KvbmConfig::default();
    /// worker.tokio.worker_threads = 1;
    /// worker.rayon.num_threads = 3;
    /// assert_eq!(worker.agreement_digest(), KvbmConfig::default().agreement_digest());
    /// assert!(worker.agreement_digest().starts_with("sha256:"));
    /// ```
    pub fn agreement_digest(&self) -> String {
        let hash = Sha256::digest(canonical(self).as_bytes());
        let mut text = String::with_capacity(7 + 64);
        text.push_str("sha256:");
        for byte in hash {
            let _ = write!(text, "{byte:02x}");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list is the markers': it holds what a fleet must share (discovery, the object
    /// store, the parallelism), and nothing a process sets for itself. Adding a marker
    /// needs no edit here.
    #[test]
    fn the_list_is_the_markers_and_holds_no_per_process_setting() {
        let keys: Vec<&str> = must_agree().map(|s| s.key).collect();
        for shared in [
            crate::key::nova::discovery::TYPE,
            crate::key::nova::discovery::CLUSTER_ID,
            crate::key::cache::PARALLELISM,
            crate::key::object::client::BUCKET,
        ] {
            assert!(keys.contains(&shared), "{shared} must agree");
        }
        let per_process = ["thread", "port", "size", "blocks", "interface", "addr"];
        for key in &keys {
            assert!(
                !per_process.iter().any(|word| key.contains(word)),
                "{key} is set per process"
            );
        }
    }
}
