//! Documents generated from the declared settings ([`crate::registry::fields`]), so that they
//! cannot drift from the code: the commented TOML [`template`] (`kvbm.example.toml` is this
//! text) and the Markdown [`reference_table`] and [`env_table`] of the README (tests keep
//! both equal).
//!
//! Settings with a default are written active, with the default, so the file is valid as
//! is and loads to the defaults. Settings that are unset by default, and the one-of tables
//! (`nova.discovery`, `object.client`), are written commented out with an example value.

use std::fmt::Write;

use crate::registry::{self, render, settings, Setting, CONFIG_PATH_ENV};

const HEADER: &str = "\
# kvbm.toml: every KVBM setting, with its default and its environment variable.
# Generated from the code (kvbm_config::docs::template); do not edit by hand.
#
# Layers, lowest to highest priority:
#   defaults < /opt/dynamo/etc/kvbm.toml < the file at KVBM_CONFIG_PATH
#   < KVBM_* environment variables < JSON (vLLM kv_connector_extra_config)
# Sizes are per process (per rank); GB means 10^9 bytes.
# A line `# key = value` is a setting that is unset by default: remove the `# ` to set it.
";

const FOOTER: &str = "
# Profiles: tables under [default.*] apply to every process, tables under [leader.*] or
# [worker.*] only to that role, each above the plain tables of the same file. A higher
# layer (env, JSON) still beats them. For example:
#
# [leader.tokio]
# worker_threads = 2
#
# [worker.nixl]
# backends = { UCX = {}, POSIX = {}, GDS = {} }
";

/// The commented TOML template of every setting.
pub fn template() -> String {
    let mut out = String::from(HEADER);
    let mut section = "";
    for setting in settings() {
        let (parent, name) = (setting.table(), setting.name());
        if let Some(variants) = registry::registry().variants_of(parent) {
            if section != parent {
                section = parent;
                write_variant_table(&mut out, parent, variants);
            }
            continue;
        }
        if section != parent {
            section = parent;
            let _ = write!(out, "\n[{parent}]\n");
        }
        write_field(&mut out, setting, name, "");
    }
    out.push_str(FOOTER);
    out
}

fn write_field(out: &mut String, setting: &Setting, name: &str, prefix: &str) {
    let _ = writeln!(out, "{prefix}# {}.", setting.doc);
    let mut facts = Vec::new();
    if setting.default_text().starts_with("none") || setting.machine_default.is_some() {
        facts.push(format!("Default: {}", setting.default_text()));
    }
    if !setting.constraint.is_empty() {
        facts.push(format!("Constraint: {}", setting.constraint));
    }
    facts.push(format!("Env: {}", setting.env));
    let _ = writeln!(out, "{prefix}# {}.", facts.join(". "));
    match (setting.default_value(), setting.example) {
        (Some(default), _) if setting.machine_default.is_none() => {
            let _ = writeln!(out, "{prefix}{name} = {}", render(&default));
        }
        (_, Some(example)) => {
            let _ = writeln!(out, "{prefix}# {name} = {example}");
        }
        _ => {}
    }
}

fn write_variant_table(out: &mut String, table: &str, variants: &[&str]) {
    let _ = write!(
        out,
        "\n# [{table}] is optional and one of: {}.\n\
         # Written here with `type`; `[{table}.{}]` without `type` means the same.\n",
        variants.join(", "),
        variants[0]
    );
    for variant in variants {
        let _ = write!(out, "#\n# [{table}]\n# type = \"{variant}\"\n");
        let entries = settings()
            .iter()
            .filter(|setting| setting.table() == table && setting.applies_to.contains(variant));
        for setting in entries {
            let name = setting.name();
            let value = setting
                .default_value()
                .map(|v| render(&v))
                .or(setting.example.map(str::to_string));
            let _ = writeln!(out, "# # {}. Env: {}", setting.doc, setting.env);
            if let Some(value) = value {
                let _ = writeln!(out, "# {name} = {value}");
            }
        }
    }
}

/// The Markdown table of every setting: key, type, default, env variable, constraint.
pub fn reference_table() -> String {
    let mut out = String::from(
        "| Key | Type | Default | Env var | Constraint | Description |\n\
         |-----|------|---------|---------|------------|-------------|\n",
    );
    for setting in settings() {
        let key = match setting.applies_to {
            [] => format!("`{}`", setting.key),
            variants => format!("`{}` ({})", setting.key, variants.join(", ")),
        };
        let kind = setting.kind.describe();
        let constraint = if setting.constraint.is_empty() {
            "-"
        } else {
            setting.constraint
        };
        let default = match setting.default_text() {
            text if text.starts_with("none") || setting.machine_default.is_some() => text,
            value => format!("`{value}`"),
        };
        let _ = writeln!(
            out,
            "| {key} | {kind} | {default} | `{}` | {constraint} | {} |",
            setting.env, setting.doc
        );
    }
    out
}

/// The Markdown table of environment variables and the keys they set.
pub fn env_table() -> String {
    let mut out = String::from("| Variable | Sets |\n|----------|------|\n");
    let _ = writeln!(
        out,
        "| `{}` | path of the user config file (layer 3) |",
        CONFIG_PATH_ENV
    );
    for setting in settings() {
        let _ = writeln!(out, "| `{}` | `{}` |", setting.env, setting.key);
    }
    out
}
