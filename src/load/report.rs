//! What a load found out: the source of every value and the warnings.
//!
//! The report costs nothing extra to build: the loader records the source of every leaf
//! while it merges, and values are rendered only when [`Loaded::entries`] or
//! [`Loaded::show_origin`] is called.

use std::fmt::Write;

use figment::value::Value;

use super::merge::Origins;
use crate::error::Warning;
use crate::offload::OffloadPolicy;
use crate::registry::{self, render};
use crate::source::{Role, Source};
use crate::KvbmConfig;

/// A successful load: the config and how it came about.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    /// The effective, validated config.
    pub config: KvbmConfig,
    /// Where each value came from, and the warnings.
    pub report: LoadReport,
}

/// Where the values of a load came from, and what looked wrong.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    pub(crate) origins: Origins,
    pub(crate) warnings: Vec<Warning>,
}

/// One line of the report: a setting, its effective value and where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportEntry {
    /// Dotted key.
    pub key: String,
    /// The value as TOML writes it (credentials redacted); `None` when unset.
    pub value: Option<String>,
    /// Where the value came from ([`Source::Default`] for a default).
    pub source: Source,
}

impl ReportEntry {
    /// `key = value` as the report prints it (`(unset)` for an unset setting).
    pub fn assignment(&self) -> String {
        format!(
            "{} = {}",
            self.key,
            self.value.as_deref().unwrap_or("(unset)")
        )
    }
}

/// The width the report pads assignments to, so that origins line up (at most 64).
fn column_width(entries: &[ReportEntry]) -> usize {
    entries
        .iter()
        .map(|e| e.assignment().chars().count())
        .max()
        .unwrap_or(0)
        .min(64)
}

impl LoadReport {
    /// The source of the value at the dotted `key`: the source that set it, else that of
    /// the nearest table above it that a source set (to `null`, say), else, for a table,
    /// that of the first key below it; [`Source::Default`] when no source set any of them.
    pub fn origin(&self, key: &str) -> Source {
        self.origins.source_for(key)
    }

    /// Every key some source set, with its source, sorted by key.
    pub fn origins(&self) -> impl Iterator<Item = (&str, &Source)> {
        self.origins.iter()
    }

    /// Settings that loaded but will probably not do what was meant.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

impl Loaded {
    /// Emits each warning once as a `tracing` warning (target `kvbm_config`).
    pub fn log_warnings(&self) {
        crate::error::log_warnings(&self.report.warnings);
    }

    /// Every setting that applies to this config, sorted by key, with its effective value
    /// and its source. Fields of an inactive one-of variant are left out.
    pub fn entries(&self) -> Vec<ReportEntry> {
        let tree = Value::serialize(&self.config)
            .unwrap_or_else(|_| crate::registry::value::table_value(figment::value::Dict::new()));
        let active = |table: &str| {
            tree.find_ref(&format!("{table}.type"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut entries: Vec<ReportEntry> = registry::settings()
            .iter()
            .filter(|setting| {
                let table = setting.key.rsplit_once('.').map_or("", |(t, _)| t);
                setting.applies_to.is_empty()
                    || active(table).is_some_and(|v| setting.applies_to.contains(&v.as_str()))
            })
            .map(|setting| ReportEntry {
                key: setting.key.to_string(),
                value: tree.find_ref(setting.key).map(render),
                source: self.report.origin(setting.key),
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        entries
    }

    /// The report as `git config --show-origin` would print it, one setting a line:
    /// `key = value    # origin`, sorted by key, credentials redacted.
    pub fn show_origin(&self) -> String {
        self.show_origin_styled(|comment| comment.to_string())
    }

    /// [`Loaded::show_origin`] with each `# origin` comment passed through `style` (the
    /// command dims it on a terminal).
    pub fn show_origin_styled(&self, style: impl Fn(&str) -> String) -> String {
        let entries = self.entries();
        let width = column_width(&entries);
        let mut out = String::new();
        for entry in &entries {
            let comment = style(&format!("# {}", entry.source));
            let _ = writeln!(out, "{:<width$}    {comment}", entry.assignment());
        }
        out
    }
}

/// Settings that load but will probably not do what the user thinks.
pub(crate) fn semantic_warnings(
    config: &KvbmConfig,
    origins: &Origins,
    role: Option<Role>,
) -> Vec<Warning> {
    let origin = |key: &str| origins.source_for(key);
    let mut warnings = Vec::new();
    for sizing in config.cache.tiers() {
        let tier = sizing.tier;
        if let (Some(_), Some(blocks)) = (sizing.cache_size_gb, sizing.num_blocks) {
            let message = format!(
                "is ignored: `{}` = {blocks} (from {}) wins when both are set",
                tier.blocks_key(),
                origin(tier.blocks_key())
            );
            warnings.push(Warning {
                source: origin(tier.size_key()),
                key: tier.size_key().to_string(),
                message,
            });
        }
    }
    let hops = [
        ("g1_to_g2", &config.offload.g1_to_g2),
        ("g2_to_g3", &config.offload.g2_to_g3),
    ];
    for (hop, tier) in hops {
        // A threshold changed from its default on a hop without the policy does nothing;
        // one that restates the default (as the template does) is no mistake.
        let lfu_key = format!("offload.{hop}.presence_lfu.min_lfu_count");
        let lfu_source = origin(&lfu_key);
        let changed = tier.presence_lfu != crate::offload::PresenceLfuConfig::default();
        if lfu_source != Source::Default
            && changed
            && !tier.policies.contains(&OffloadPolicy::PresenceLfu)
        {
            warnings.push(Warning {
                message: format!(
                    "has no effect: `presence_lfu` is not in `offload.{hop}.policies`"
                ),
                key: lfu_key,
                source: lfu_source,
            });
        }
    }
    if role == Some(Role::Worker) && config.nixl.backends.is_empty() {
        warnings.push(Warning {
            key: crate::key::nixl::BACKENDS.into(),
            source: origin(crate::key::nixl::BACKENDS),
            message: "is empty: a worker with no NixL backend cannot transfer blocks".into(),
        });
    }
    for backend in config
        .nixl_backends()
        .iter()
        .map(|(b, _)| b)
        .filter(|b| !b.is_known())
    {
        let mut message =
            format!("`{backend}` is not a NixL backend this crate knows; fine if it is a plugin");
        if let Some(near) = crate::suggest::closest(
            backend.name(),
            crate::nixl::NixlBackend::KNOWN.iter().copied(),
        ) {
            message.push_str(&format!(", else did you mean `{near}`?"));
        }
        warnings.push(Warning {
            key: crate::key::nixl::BACKENDS.into(),
            source: origin(crate::key::nixl::BACKENDS),
            message,
        });
    }
    warnings
}
