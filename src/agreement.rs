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
//! values and both origins.

use std::fmt::Write;

use figment::value::Value;
use sha2::{Digest, Sha256};

use crate::registry::{self, render, Setting};
use crate::source::Source;
use crate::{KvbmConfig, Loaded};

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
/// compared whole, credentials included; they are shown redacted.
pub fn disagreements(left: &Loaded, right: &Loaded) -> Vec<Disagreement> {
    let trees = [tree(&left.config), tree(&right.config)];
    must_agree()
        .filter_map(|setting| {
            let values = [
                trees[0].find_ref(setting.key),
                trees[1].find_ref(setting.key),
            ];
            if values[0] == values[1] {
                return None;
            }
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

/// The canonical text the digest hashes: one line per must-agree setting, in key order,
/// `key=value` with the value as canonical JSON (sorted keys) or `null` when unset.
fn canonical(config: &KvbmConfig) -> String {
    let tree = tree(config);
    let mut settings: Vec<&Setting> = must_agree().collect();
    settings.sort_by_key(|setting| setting.key);
    let mut text = String::new();
    for setting in settings {
        let value = tree
            .find_ref(setting.key)
            .and_then(|value| serde_json::to_value(value).ok())
            .unwrap_or(serde_json::Value::Null);
        // serde_json's maps are sorted (no `preserve_order`), so this is canonical.
        let _ = writeln!(text, "{}={}", setting.key, value);
    }
    text
}

impl KvbmConfig {
    /// A stable hash of the settings every process of a deployment must share (see
    /// [`crate::agreement`]): `sha256:` and 64 hex digits. Configs that agree give the same
    /// digest whatever their per-process settings (threads, ports, sizes); credentials are
    /// hashed but never shown. The leader and its workers can compare it at handshake, and
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

    #[test]
    fn the_first_list_is_declared() {
        let keys: Vec<&str> = must_agree().map(|s| s.key).collect();
        assert_eq!(
            keys,
            [
                "nova.discovery.type",
                "nova.discovery.cluster_id",
                "nova.discovery.endpoints",
                "nova.discovery.path",
                "cache.parallelism",
                "object.client.type",
                "object.client.endpoint_url",
                "object.client.bucket",
                "object.client.region",
                "object.client.force_path_style",
                "object.client.backend",
            ]
        );
    }
}

/// An effective config as `kvbm-config show --format json` writes it (from one node, one
/// process), for [`differences`]: the config itself, or, with `--origin`, its entries with
/// the origin of each value.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveConfig(Effective);

#[derive(Debug, Clone, PartialEq)]
enum Effective {
    /// `show --format json`: the config as JSON.
    Tree(serde_json::Value),
    /// `show --format json --origin`: `[{"key", "value", "origin"}]`, values already
    /// rendered and redacted.
    Entries(std::collections::BTreeMap<String, (Option<String>, String)>),
}

impl EffectiveConfig {
    /// Reads `show --format json` output, with or without `--origin` (a leading
    /// byte-order mark is skipped).
    ///
    /// # Errors
    ///
    /// The JSON syntax error, in words.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("not the JSON of `show --format json`: {e}"))?;
        let Some(entries) = value.as_array() else {
            return Ok(EffectiveConfig(Effective::Tree(value)));
        };
        let mut map = std::collections::BTreeMap::new();
        for entry in entries {
            let key = entry.get("key").and_then(|k| k.as_str()).ok_or_else(|| {
                "not the JSON of `show --format json --origin`: an entry has no key".to_string()
            })?;
            let value = entry
                .get("value")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let origin = entry
                .get("origin")
                .and_then(|o| o.as_str())
                .unwrap_or("unknown origin")
                .to_string();
            map.insert(key.to_string(), (value, origin));
        }
        Ok(EffectiveConfig(Effective::Entries(map)))
    }

    /// As [`EffectiveConfig::from_json`], for a stream (standard input) read with the 4 MiB
    /// cap of every source.
    ///
    /// # Errors
    ///
    /// A stream over the cap or not UTF-8, the read error, or the JSON syntax error.
    pub fn from_reader(reader: impl std::io::Read) -> Result<Self, String> {
        Self::from_json(&crate::load::read_config_stream(reader)?)
    }

    /// As [`EffectiveConfig::from_json`], for a file read the way config files are (a
    /// regular file of at most 4 MiB).
    ///
    /// # Errors
    ///
    /// Why the file cannot be read, or the JSON syntax error, in words.
    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        Self::from_json(&crate::load::read_config_file(path)?)
    }

    /// The value of `key` as shown (redacted, terminal-safe), and its origin if known.
    fn shown(&self, setting: &Setting) -> (Option<String>, Option<String>) {
        match &self.0 {
            Effective::Tree(tree) => {
                let value = tree.pointer(&format!("/{}", setting.key.replace('.', "/")));
                let shown = value.map(|value| {
                    let text = value.to_string();
                    let redacted = crate::secret::redact_value(setting.key, &text);
                    crate::secret::escape_terminal(&redacted).into_owned()
                });
                (shown, None)
            }
            Effective::Entries(entries) => match entries.get(setting.key) {
                Some((value, origin)) => (
                    value
                        .as_deref()
                        .map(|v| crate::secret::escape_terminal(v).into_owned()),
                    Some(crate::secret::escape_terminal(origin).into_owned()),
                ),
                None => (None, None),
            },
        }
    }

    /// The raw value of `key`, for comparison (credentials included in a plain tree).
    fn compared(&self, setting: &Setting) -> Option<String> {
        match &self.0 {
            Effective::Tree(tree) => tree
                .pointer(&format!("/{}", setting.key.replace('.', "/")))
                .map(|v| v.to_string()),
            Effective::Entries(entries) => entries.get(setting.key).and_then(|(v, _)| v.clone()),
        }
    }
}

/// A setting whose value differs between two effective configs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Difference {
    /// The setting.
    pub setting: &'static Setting,
    /// Each side's value as shown (credentials redacted, terminal-safe), `None` when unset.
    pub values: [Option<String>; 2],
    /// Each side's origin, when the input came from `show --format json --origin`.
    pub origins: [Option<String>; 2],
}

/// Every setting whose value differs between `left` and `right`, in registry order; those
/// with [`Setting::agree`] are the ones that must not. (With `--origin` input the values
/// compared are the redacted ones `show` printed.)
pub fn differences(left: &EffectiveConfig, right: &EffectiveConfig) -> Vec<Difference> {
    registry::settings()
        .iter()
        .filter(|setting| left.compared(setting) != right.compared(setting))
        .map(|setting| {
            let (a, b) = (left.shown(setting), right.shown(setting));
            Difference {
                setting,
                values: [a.0, b.0],
                origins: [a.1, b.1],
            }
        })
        .collect()
}
