//! Documents generated from the declared settings ([`crate::registry::settings`]), so that they
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
#   defaults < SYSTEM_FILE < the file at KVBM_CONFIG_PATH
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
    let mut out = HEADER.replace("SYSTEM_FILE", crate::SYSTEM_CONFIG_PATH);
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
        // An optional table the defaults leave out is written commented out: written as
        // is, the table alone would switch it on.
        let prefix = match setting.absent_table() {
            Some(_) => "# ",
            None => "",
        };
        if section != parent {
            section = parent;
            if let Some(table) = setting.absent_table().filter(|t| *t == parent) {
                let _ = write!(
                    out,
                    "\n# [{table}] is optional: remove the `# ` of its lines to switch it on.\n"
                );
            }
            let _ = write!(out, "\n{prefix}[{parent}]\n");
        }
        write_field(&mut out, setting, name, prefix);
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
    // A choice names what it accepts, as the README table and `explain` do (one text).
    if let crate::declare::Kind::Choice(_) | crate::declare::Kind::ChoiceList(_) = setting.kind {
        facts.push(format!("Type: {}", setting.kind.describe()));
    }
    facts.push(format!("Env: {}", setting.env));
    if setting.agree {
        facts.push(format!("It {}", registry::AGREE_TEXT));
    }
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
            let agree = match setting.agree {
                true => format!(". It {}", registry::AGREE_TEXT),
                false => String::new(),
            };
            let _ = writeln!(out, "# # {}. Env: {}{agree}", setting.doc, setting.env);
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
        let default = shown_default(setting);
        let doc = match setting.agree {
            true => format!("{}; {}", setting.doc, registry::AGREE_TEXT),
            false => setting.doc.to_string(),
        };
        let _ = writeln!(
            out,
            "| {key} | {kind} | {default} | `{}` | {constraint} | {doc} |",
            setting.env
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
        for alias in setting.aliases {
            let _ = writeln!(out, "| `{alias}` | `{}` (upstream's name) |", setting.key);
        }
    }
    out
}

/// The profiles of the full JSON example, in the order one-of variants are handed out: the
/// first variant of each one-of table goes to `leader`, the second to `worker`, the third to
/// `default` (where only a load without a role sees it, since a role's table replaces it).
const EXAMPLE_PROFILES: [&str; 3] = ["leader", "worker", "default"];

/// The vLLM document that sets every setting in some profile (`kvbm.full.example.json` is
/// this text), each with its declared `example`, else its default.
///
/// Settings of a one-of table go to the profile of their variant (see
/// `EXAMPLE_PROFILES`); two settings that exclude each other (`not_with`) go to `leader`
/// and `worker` in turn; every other setting to `default`.
pub fn full_example() -> String {
    use serde_json::{Map, Value as Json};
    let mut document = Map::new();
    for profile in ["default", "leader", "worker"] {
        document.insert(profile.to_string(), Json::Object(Map::new()));
    }
    let mut exclusive_seen: Vec<&str> = Vec::new();
    for setting in settings() {
        let table = setting.table();
        // (profile, value) pairs: one per variant that has the setting, else one.
        let targets: Vec<(&str, serde_json::Value)> = match registry::registry().variants_of(table)
        {
            Some(variants) => variants
                .iter()
                .enumerate()
                .filter(|(_, v)| setting.is_variant_tag() || setting.applies_to.contains(v))
                .filter_map(|(i, variant)| {
                    let value = match setting.is_variant_tag() {
                        true => Json::from(*variant),
                        false => example_value(setting)?,
                    };
                    Some((EXAMPLE_PROFILES[i % EXAMPLE_PROFILES.len()], value))
                })
                .collect(),
            None => {
                let profile = match setting.excludes_another() {
                    true => {
                        let turn = exclusive_seen.iter().filter(|t| **t == table).count();
                        exclusive_seen.push(table);
                        ["leader", "worker"][turn % 2]
                    }
                    false => "default",
                };
                example_value(setting)
                    .map(|v| (profile, v))
                    .into_iter()
                    .collect()
            }
        };
        for (profile, value) in targets {
            let mut at = &mut document[profile];
            for part in table.split('.').filter(|p| !p.is_empty()) {
                at = at
                    .as_object_mut()
                    .expect("tables are objects")
                    .entry(part)
                    .or_insert_with(|| Json::Object(Map::new()));
            }
            at.as_object_mut()
                .expect("tables are objects")
                .insert(setting.name().to_string(), value);
        }
    }
    let mut text = serde_json::to_string_pretty(&Json::Object(document)).expect("JSON");
    text.push('\n');
    text
}

/// The generated macros of `src/declare/shown.rs`, for each declared field's rustdoc: its
/// default as TOML writes it (`shown_default!`), its variable (`shown_env!`) and its rules
/// in words (`shown_constraint!`). A macro sees
/// only a declaration's tokens; these facts come from the registry, so the rustdoc says what
/// the loader does. A struct used at several keys (an offload hop) lists each key's fact
/// where they differ.
#[cfg(test)]
fn rustdoc_facts() -> String {
    let mut out = String::from(
        "// Generated from the declarations by `BLESS=1 cargo test --all-features`\n\
         // (kvbm_config::docs::rustdoc_facts); do not edit by hand.\n",
    );
    let env_text = |setting: &Setting| format!("`{}`", setting.env);
    write_fact_macro(
        &mut out,
        "shown_default",
        "A declared field's default as TOML writes it.",
        &shown_default,
    );
    write_fact_macro(
        &mut out,
        "shown_env",
        "A declared field's `KVBM_*` variable.",
        &env_text,
    );
    let constraint_text = |setting: &Setting| match setting.constraint {
        "" => String::new(),
        words => format!("\n\nConstraint: {words}."),
    };
    write_fact_macro(
        &mut out,
        "shown_constraint",
        "A declared field's rules in words, as a paragraph; empty without rules.",
        &constraint_text,
    );
    out.push_str("\npub(crate) use {shown_constraint, shown_default, shown_env};\n");
    out
}

/// One generated macro: `(Owner field) => "text"` for each declared field.
#[cfg(test)]
fn write_fact_macro(out: &mut String, name: &str, doc: &str, fact: &dyn Fn(&Setting) -> String) {
    let _ = write!(out, "\n/// {doc}\nmacro_rules! {name} {{\n");
    let mut done: Vec<(&str, &str)> = Vec::new();
    for setting in settings().iter().filter(|s| !s.owner.is_empty()) {
        let field = (setting.owner, setting.name());
        if done.contains(&field) {
            continue;
        }
        done.push(field);
        let at_each_key: Vec<(String, &str)> = settings()
            .iter()
            .filter(|other| (other.owner, other.name()) == field)
            .map(|other| (fact(other), other.key))
            .collect();
        let text = match at_each_key
            .iter()
            .all(|(text, _)| *text == at_each_key[0].0)
        {
            true => at_each_key[0].0.clone(),
            false => at_each_key
                .iter()
                .map(|(text, key)| format!("{text} at `{key}`"))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let _ = writeln!(
            out,
            "    ({} {}) => {{\n        {:?}\n    }};",
            field.0, field.1, text
        );
    }
    out.push_str(
        "    ($owner:ident $field:ident) => {\n        \"(not generated yet: run `BLESS=1 cargo test --all-features`)\"\n    };\n}\n",
    );
}

/// The generated module `src/key.rs`: each setting's dotted key as a constant, in one
/// module per table (`key::cache::host::CACHE_SIZE_GB`), and each table's key as its
/// module's `TABLE`. Code outside the declarations names a setting through these, so a
/// renamed or removed setting fails to compile where it is used.
#[cfg(test)]
fn key_constants() -> String {
    let mut out = String::from(
        "//! Every setting's dotted key as a constant, one module per table: code names a setting\n\
         //! as `key::cache::host::CACHE_SIZE_GB`, never as a string, so a renamed or removed\n\
         //! setting fails to compile where it is used. Each table's own key is its module's `TABLE`.\n\
         //!\n\
         //! Generated from the declarations by `BLESS=1 cargo test --all-features`\n\
         //! (`docs::key_constants`); do not edit by hand.\n",
    );
    write_key_module(&mut out, "", 0);
    out
}

/// The constants of the table at `table` ("" for the root) and, nested, its tables'.
#[cfg(test)]
fn write_key_module(out: &mut String, table: &str, depth: usize) {
    let indent = "    ".repeat(depth);
    let child_of = |key: &str| -> Option<(String, bool)> {
        let rest = match table {
            "" => key,
            table => key.strip_prefix(table)?.strip_prefix('.')?,
        };
        Some(match rest.split_once('.') {
            Some((first, _)) => (first.to_string(), false),
            None => (rest.to_string(), true),
        })
    };
    let mut tables: Vec<String> = Vec::new();
    if !table.is_empty() {
        let _ = write!(
            out,
            "\n{indent}/// `{table}`, the table itself.\n{indent}pub const TABLE: &str = {table:?};\n"
        );
    }
    for setting in settings() {
        match child_of(setting.key) {
            Some((name, true)) => {
                let _ = write!(
                    out,
                    "\n{indent}/// `{key}`: {doc}.\n{indent}pub const {name}: &str = {key:?};\n",
                    key = setting.key,
                    doc = setting.doc,
                    name = name.to_ascii_uppercase(),
                );
            }
            Some((name, false)) if !tables.contains(&name) => tables.push(name),
            _ => {}
        }
    }
    for name in tables {
        let key = crate::declare::join(table, &name);
        let _ = write!(
            out,
            "\n{indent}/// The keys of `[{key}]`.\n{indent}pub mod {name} {{"
        );
        write_key_module(out, &key, depth + 1);
        let _ = writeln!(out, "{indent}}}");
    }
}

/// The typed views of the Python stub (`python/kvbm_config/__init__.pyi`): for each table a
/// `@type_check_only` class whose attributes are its settings, typed by their kind, and its
/// tables. The attribute view has every declared key (`Config.to_dict()`'s shape), so a
/// setting that may be unset is `… | None`: an optional one, and every one in an optional
/// or one-of table (an unset table, another variant). A table without settings is left
/// out, as the view leaves it out. Returns the classes and the attributes of `Config`,
/// the two generated parts of the stub.
#[cfg(test)]
fn python_views() -> (String, String) {
    let mut classes = String::new();
    let root = python_table_attributes(&mut classes, "");
    (classes, root)
}

/// The attribute lines of the table at `key`; the classes of its tables are written to
/// `classes` first.
#[cfg(test)]
fn python_table_attributes(classes: &mut String, key: &str) -> String {
    use crate::registry::{registry, Node};
    let registry = registry();
    let id = match registry.node(key) {
        Some(Node::Section(id)) => id,
        _ => 0,
    };
    let mut lines = String::new();
    for name in registry.children(id) {
        let child = crate::declare::join(key, name);
        let python_type = match registry.node(&child) {
            Some(Node::Leaf(setting)) => python_setting_type(setting),
            Some(Node::Section(_)) => {
                let attributes = python_table_attributes(classes, &child);
                if attributes.is_empty() {
                    continue;
                }
                let class = python_class_name(&child);
                let _ = write!(
                    classes,
                    "\n@type_check_only\nclass {class}:\n    \"\"\"The table `[{child}]`.\"\"\"\n\n{attributes}"
                );
                class
            }
            None => continue,
        };
        let _ = writeln!(lines, "    {name}: {python_type}");
    }
    lines
}

/// `cache.host` → `_CacheHost`.
#[cfg(test)]
fn python_class_name(key: &str) -> String {
    let mut name = String::from("_");
    for part in key.split(['.', '_']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name
}

/// A setting's Python type, as `Config.to_dict()` gives its value.
#[cfg(test)]
fn python_setting_type(setting: &Setting) -> String {
    use crate::declare::Kind;
    let literal = |names: &[&str]| {
        let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        format!("Literal[{}]", names.join(", "))
    };
    let base = match setting.kind {
        Kind::Bool => "bool".to_string(),
        Kind::Unsigned(_) => "int".to_string(),
        Kind::Float => "float".to_string(),
        Kind::Text | Kind::Path => "str".to_string(),
        Kind::TextList => "list[str]".to_string(),
        Kind::Choice(names) => literal(names),
        Kind::ChoiceList(names) => format!("list[{}]", literal(names)),
        Kind::Backends => "dict[str, dict[str, str]]".to_string(),
    };
    match setting.optional || in_optional_table(setting.key) {
        true => format!("{base} | None"),
        false => base,
    }
}

/// Whether a table above `key` may be absent or is one of several variants, so that the
/// setting at `key` may have no value.
#[cfg(test)]
fn in_optional_table(key: &str) -> bool {
    let registry = crate::registry::registry();
    key.match_indices('.').any(|(end, _)| {
        let table = &key[..end];
        registry.is_optional_section(table) || registry.variants_of(table).is_some()
    })
}

/// A setting's default in its rustdoc and the reference table: the machine words, the value in backticks, or
/// "none".
fn shown_default(setting: &Setting) -> String {
    let value = match setting.default_value_text() {
        text if text.starts_with("none") || setting.machine_default.is_some() => text,
        value => format!("`{value}`"),
    };
    match setting.default_condition() {
        Some(condition) => format!("{value} ({condition})"),
        None => value,
    }
}

/// The value of a setting in the full example: its `example` (TOML text), else its default.
fn example_value(setting: &Setting) -> Option<serde_json::Value> {
    match setting.example {
        Some(example) => {
            let value = crate::load::parse_toml_value(example).unwrap_or_else(|e| {
                panic!("{}: example `{example}` is not TOML: {e}", setting.key)
            });
            serde_json::to_value(value).ok()
        }
        None => setting
            .default_value()
            .and_then(|value| serde_json::to_value(value).ok()),
    }
}

/// The committed generated files. These are unit tests of the library on purpose: cargo
/// runs them before any integration test, so `BLESS=1 cargo test --all-features` rewrites
/// every file before a test reads one.
#[cfg(test)]
mod generated {
    use super::*;

    #[test]
    fn every_generated_file_is_current() {
        assert_generated_part("README.md", Some("reference"), &reference_table());
        assert_generated_part("README.md", Some("env"), &env_table());
        assert_generated_part(
            "README.md",
            Some("migration"),
            &crate::v1::migration_table(),
        );
        assert_generated("kvbm.example.toml", &template());
        assert_generated("kvbm.full.example.json", &full_example());
        assert_generated("src/declare/shown.rs", &rustdoc_facts());
        assert_generated("src/key.rs", &key_constants());
        // The Python package sits beside the crate in the repository, not in the
        // published crate, whose own tests have no stub to check.
        let stub = "python/kvbm_config/__init__.pyi";
        if std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("python")
            .is_dir()
        {
            let (classes, config_attributes) = python_views();
            assert_generated_part(stub, Some("tables"), &classes);
            assert_generated_part(stub, Some("config"), &config_attributes);
        }
        // The digest of the defaults, pinned: a change to the canonical form (which would
        // split a fleet mid-upgrade) shows in review as a change of this file.
        assert_generated(
            "src/agreement/default_digest.txt",
            &format!("{}\n", crate::KvbmConfig::default().agreement_digest()),
        );
        #[cfg(feature = "schema")]
        assert_generated(
            "kvbm.schema.json",
            &crate::json_schema::document_schema_text(),
        );
    }

    /// The one command that regenerates every generated file (README tables,
    /// `kvbm.example.toml`, `kvbm.schema.json`, `kvbm.full.example.json`, `src/key.rs`,
    /// `src/declare/shown.rs`, the Python stub's tables, the default digest).
    const BLESS_COMMAND: &str = "BLESS=1 cargo test --all-features";

    /// Checks that the committed file `name` is `generated`; with `BLESS=1` set, rewrites it
    /// first (as rustc's `--bless` does).
    fn assert_generated(name: &str, generated: &str) {
        assert_generated_part(name, None, generated);
    }

    /// As [`assert_generated`], for the text between `<!-- marker:start -->` and
    /// `<!-- marker:end -->` of a file (a README table).
    fn assert_generated_part(name: &str, marker: Option<&str>, generated: &str) {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
        let read = || std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {name}: {e}"));
        let committed = read();
        let span = |text: &str| match marker {
            None => 0..text.len(),
            Some(marker) => {
                // A Markdown file marks a part with comments of its own, others with `#`.
                let (start, end) = match name.ends_with(".md") {
                    true => (
                        format!("<!-- {marker}:start -->\n"),
                        format!("<!-- {marker}:end -->"),
                    ),
                    false => (format!("# {marker}:start\n"), format!("# {marker}:end")),
                };
                let from = text
                    .find(&start)
                    .unwrap_or_else(|| panic!("{name}: no {start}"))
                    + start.len();
                let to = text
                    .find(&end)
                    .unwrap_or_else(|| panic!("{name}: no {end}"));
                from..to
            }
        };
        if std::env::var_os("BLESS").is_some() && committed[span(&committed)] != *generated {
            let mut blessed = committed.clone();
            blessed.replace_range(span(&committed), generated);
            std::fs::write(&path, blessed).unwrap_or_else(|e| panic!("write {name}: {e}"));
        }
        let read = || std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {name}: {e}"));
        let committed = read();
        let part = &committed[span(&committed)];
        if part != generated {
            let line = part
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(part.lines().count().min(generated.lines().count()));
            panic!(
                "{name}{} is stale (first difference at its line {}): run `{BLESS_COMMAND}`",
                marker.map(|m| format!(" ({m} table)")).unwrap_or_default(),
                line + 1
            );
        }
    }
}
