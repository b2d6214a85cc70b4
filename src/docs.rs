//! Documents generated from the declared settings ([`crate::schema::fields`]), so that they
//! cannot drift from the code: the commented TOML [`template`] (`kvbm.example.toml` is this
//! text) and the Markdown [`reference_table`] and [`env_table`] of the README (tests keep
//! both equal).
//!
//! Settings with a default are written active, with the default, so the file is valid as
//! is and loads to the defaults. Settings that are unset by default, and the one-of tables
//! (`nova.discovery`, `object.client`), are written commented out with an example value.

use std::fmt::Write;

use crate::schema::{self, fields, render, FieldSpec, CONFIG_PATH_ENV};

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
    for spec in fields() {
        let (parent, name) = (spec.table(), spec.name());
        if let Some(variants) = schema::registry().variants_of(parent) {
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
        write_field(&mut out, spec, name, "");
    }
    out.push_str(FOOTER);
    out
}

fn write_field(out: &mut String, spec: &FieldSpec, name: &str, prefix: &str) {
    let _ = writeln!(out, "{prefix}# {}.", spec.doc);
    let mut facts = Vec::new();
    if spec.default_text().starts_with("none") || spec.machine_default.is_some() {
        facts.push(format!("Default: {}", spec.default_text()));
    }
    if !spec.constraint.is_empty() {
        facts.push(format!("Constraint: {}", spec.constraint));
    }
    facts.push(format!("Env: {}", spec.env));
    let _ = writeln!(out, "{prefix}# {}.", facts.join(". "));
    match (spec.default_value(), spec.example) {
        (Some(default), _) if spec.machine_default.is_none() => {
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
        let members = fields()
            .iter()
            .filter(|spec| spec.table() == table && spec.applies_to.contains(variant));
        for spec in members {
            let name = spec.name();
            let value = spec
                .default_value()
                .map(|v| render(&v))
                .or(spec.example.map(str::to_string));
            let _ = writeln!(out, "# # {}. Env: {}", spec.doc, spec.env);
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
    for spec in fields() {
        let key = match spec.applies_to {
            [] => format!("`{}`", spec.key),
            variants => format!("`{}` ({})", spec.key, variants.join(", ")),
        };
        let kind = spec.kind.describe();
        let constraint = if spec.constraint.is_empty() {
            "-"
        } else {
            spec.constraint
        };
        let default = match spec.default_text() {
            text if text.starts_with("none") || spec.machine_default.is_some() => text,
            value => format!("`{value}`"),
        };
        let _ = writeln!(
            out,
            "| {key} | {kind} | {default} | `{}` | {constraint} | {} |",
            spec.env, spec.doc
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
    for spec in fields() {
        let _ = writeln!(out, "| `{}` | `{}` |", spec.env, spec.key);
    }
    out
}
