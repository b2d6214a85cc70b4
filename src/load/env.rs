//! The environment layer (layer 4): `KVBM_*` variables, mapped through [`crate::registry::settings`],
//! and the parsing of their text by the kind of the setting each one sets.
//!
//! The loader is handed one snapshot of the environment and scans it exactly once; nothing
//! here reads the process environment, so tests inject whatever variables they need.
//! Values are parsed by the type of the setting they map to, so an unparsable value is an
//! error that names the variable itself (`env KVBM_TOKIO_WORKER_THREADS`).

use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use figment::value::{Dict, Value};

use super::merge::Assembly;
use crate::declare::check_backend_names;
use crate::error::{Problem, ProblemKind, Warning};
use crate::nixl::NixlBackend;
use crate::registry::value::{check_choice, integer_range, render, table_value};
use crate::registry::{self, Kind, CONFIG_PATH_ENV, ENV_PREFIX};
use crate::source::Source;

/// Prefix of the deprecated KVBM v1 variables (mapped in `v1.rs`).
pub(crate) const V1_PREFIX: &str = "DYN_KVBM_";

/// Settings that variables set, nested like a file, and the variable behind each key.
#[derive(Debug, Default)]
pub(crate) struct EnvSlice {
    dict: Dict,
    /// The variable behind each key (the registry's key: every key set is a setting's).
    vars: HashMap<&'static str, String>,
}

impl EnvSlice {
    /// Sets the dotted `key` to `value`, remembering the variable `var`.
    pub(crate) fn set(&mut self, key: &'static str, value: Value, var: &str) {
        insert_at(&mut self.dict, key, value);
        self.vars.insert(key, var.to_string());
    }

    /// The variable that already set `key` to a value other than `value`, if one did (a
    /// setting read under two names: its own and a released one).
    fn conflict(&self, key: &str, value: &Value) -> Option<&str> {
        let var = self.var_of(key)?;
        let (first, rest) = key.split_once('.').unwrap_or((key, ""));
        let set = self.dict.get(first).and_then(|table| match rest {
            "" => Some(table),
            rest => table.find_ref(rest),
        });
        (set != Some(value)).then_some(var)
    }

    /// The variable that set `key`, if one did.
    pub(crate) fn var_of(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// Merges the settings on top of `assembly`, each value's source naming its variable.
    pub(crate) fn merge_into(self, assembly: &mut Assembly) {
        let EnvSlice { dict, vars } = self;
        let source_of = |key: &str, _: &Value| match vars.get(key) {
            Some(var) => Source::Env { var: var.clone() },
            None => Source::Default,
        };
        assembly.merge(dict, &source_of);
    }
}

/// What the `KVBM_*` variables of one environment snapshot set, and the `DYN_KVBM_*`
/// variables found beside them (for the v1 layer).
#[derive(Debug, Default)]
pub(crate) struct EnvLayer {
    /// The settings.
    pub slice: EnvSlice,
    /// The value of `KVBM_CONFIG_PATH`, if set and not empty.
    pub config_path: Option<PathBuf>,
    /// The non-empty `DYN_KVBM_*` variables, in the snapshot's order.
    pub v1_vars: Vec<(String, String)>,
    /// Unparsable values.
    pub problems: Vec<Problem>,
    /// Unknown and empty variables.
    pub warnings: Vec<Warning>,
    /// Which of `warnings` are about unknown `KVBM_*` variables.
    unknown: Vec<usize>,
    /// What the variables of declared foreign sections set (`KVBM_METRICS_PORT` is
    /// `metrics.port`), read as figment reads a value, for the crates that own them.
    pub foreign: Dict,
}

impl EnvLayer {
    /// Scans `vars` once, keeping `KVBM_*` and the deprecated `DYN_KVBM_*` variables; other
    /// variables are not even decoded.
    pub(crate) fn scan(vars: &[(OsString, OsString)], foreign: &[String]) -> EnvLayer {
        let mut layer = EnvLayer::default();
        for (name, raw) in vars {
            // Most of an environment is someone else's: look at the prefix's bytes before
            // decoding a name. (A name whose bytes lack both prefixes cannot gain one by
            // decoding: the prefixes are ASCII, a replaced byte is not.)
            let bytes = name.as_encoded_bytes();
            if !(bytes.starts_with(ENV_PREFIX.as_bytes())
                || bytes.starts_with(V1_PREFIX.as_bytes()))
            {
                continue;
            }
            let Some(name) = name.to_str() else {
                layer.warnings.push(non_utf8_name(name));
                continue;
            };
            let is_v1 = name.starts_with(V1_PREFIX);
            // Only a variable that is wrong needs its source.
            let source = || Source::Env {
                var: name.to_string(),
            };
            let Some(value) = raw.to_str() else {
                if name == CONFIG_PATH_ENV {
                    // A path need not be UTF-8 on Unix: take it as the OS gives it.
                    layer.config_path = Some(PathBuf::from(raw));
                    continue;
                }
                // Never echo the bytes: they may be a credential. A variable that sets
                // something is an error; one that sets nothing, a warning.
                let known = registry::setting_for_env(name).is_some()
                    || (is_v1
                        && super::v1_table::lookup(name).is_some_and(|v1| v1.key().is_some()));
                let message = "value is not valid UTF-8 (not shown)";
                match known {
                    true => layer.problems.push(Problem::new(
                        ProblemKind::InvalidValue,
                        name,
                        source(),
                        message,
                    )),
                    false => layer.warnings.push(Warning {
                        key: name.to_string(),
                        source: source(),
                        message: format!("{message}; it sets nothing, so it is ignored"),
                    }),
                }
                continue;
            };
            if value.trim().is_empty() {
                layer.warnings.push(Warning {
                    key: name.to_string(),
                    source: source(),
                    message: "is set but empty, so it is ignored".into(),
                });
                continue;
            }
            if is_v1 {
                layer.v1_vars.push((name.to_string(), value.to_string()));
                continue;
            }
            if name == CONFIG_PATH_ENV {
                layer.config_path = Some(PathBuf::from(value));
                continue;
            }
            let Some(setting) = registry::setting_for_env(name) else {
                if let Some(key) = super::foreign::env_key(name, foreign) {
                    // Another crate's to judge; a value figment cannot read stays text.
                    let value = figment_reading(value.trim())
                        .ok()
                        .flatten()
                        .unwrap_or_else(|| Value::from(value.to_string()));
                    insert_at(&mut layer.foreign, &key, value);
                    continue;
                }
                layer.unknown.push(layer.warnings.len());
                layer.warnings.push(unknown_variable(name, source()));
                continue;
            };
            match parse_env_value(setting.kind, value) {
                Ok(parsed) => match layer.slice.conflict(setting.key, &parsed) {
                    Some(other) => {
                        let problem = two_names(setting.key, other, name);
                        layer.problems.push(problem);
                    }
                    None => layer.slice.set(setting.key, parsed, name),
                },
                Err(message) => layer
                    .problems
                    .push(bad_value(setting.key, name, value, message)),
            }
        }
        layer
    }

    /// The warnings about `KVBM_*` variables that name no setting.
    pub(crate) fn unknown_variables(&self) -> impl Iterator<Item = &Warning> {
        self.unknown.iter().map(|&i| &self.warnings[i])
    }
}

/// Inserts `value` at the dotted `key`, creating the tables on the way.
pub(crate) fn insert_at(dict: &mut Dict, key: &str, value: Value) {
    let mut parts = key.split('.').peekable();
    let mut table = dict;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            table.insert(part.to_string(), value);
            return;
        }
        let slot = table
            .entry(part.to_string())
            .or_insert_with(|| table_value(Dict::new()));
        if !matches!(slot, Value::Dict(..)) {
            *slot = table_value(Dict::new());
        }
        let Value::Dict(_, inner) = slot else {
            unreachable!("made a table just above")
        };
        table = inner;
    }
}

/// An environment value that does not parse as its setting's type: the problem names the
/// variable and shows the value, credentials redacted.
pub(crate) fn bad_value(key: &str, var: &str, value: &str, message: String) -> Problem {
    let source = Source::Env {
        var: var.to_string(),
    };
    Problem::new(ProblemKind::InvalidValue, key, source, message).with_value(shown_raw(key, value))
}

/// The raw text of a variable that sets `key`, as it may be printed: a setting named like
/// a credential is hidden whole; one declared `secret` that holds a structure (NixL
/// backends and their parameters) is shown as its parsed value, whose credential-named
/// entries are hidden, or hidden whole when it does not parse; any other text loses the
/// credentials of its URLs. Quoted and terminal-safe.
pub(crate) fn shown_raw(key: &str, raw: &str) -> String {
    use crate::secret::{escape_terminal, is_secret_name, redact_urls, REDACTED};
    if is_secret_name(key) {
        return format!("\"{REDACTED}\"");
    }
    if let Some(setting) = registry::setting(key) {
        if setting.secret && !setting.is_url() && !setting.is_endpoint_set() {
            return match parse_env_value(setting.kind, raw) {
                Ok(value) => render(&value),
                Err(_) => format!("\"{REDACTED}\""),
            };
        }
    }
    escape_terminal(&format!("{:?}", redact_urls(raw))).into_owned()
}

/// Two names of one setting set to different values: neither wins, since either may be
/// the one the operator meant. The variables are named in the order of their names, so
/// the message does not depend on the order of the environment.
fn two_names(key: &str, first: &str, second: &str) -> Problem {
    let (a, b) = if first <= second {
        (first, second)
    } else {
        (second, first)
    };
    let source = Source::Env { var: b.to_string() };
    let message =
        format!("`{a}` and `{b}` both set this setting, to different values; set one of them");
    Problem::new(ProblemKind::Conflict, key, source, message)
}

/// A `KVBM_*` or `DYN_KVBM_*` variable whose name is not UTF-8 cannot be one of ours, but
/// was probably meant to be: say so, showing the name lossily.
fn non_utf8_name(name: &std::ffi::OsStr) -> Warning {
    let lossy = name.to_string_lossy();
    Warning {
        key: lossy.to_string(),
        source: Source::Env {
            var: lossy.to_string(),
        },
        message: "has a name that is not valid UTF-8, so it is ignored".into(),
    }
}

fn unknown_variable(name: &str, source: Source) -> Warning {
    let message = match registry::closest_env(name) {
        Some(near) => format!("is not a KVBM setting, so it is ignored; did you mean `{near}`?"),
        None => "is not a KVBM setting, so it is ignored".to_string(),
    };
    Warning {
        key: name.to_string(),
        source,
        message,
    }
}

/// Parses the text of an environment variable as a value of `kind`.
///
/// Besides the plain forms (`4`, `true`, `a,b`), a value may be written in figment's
/// syntax, as upstream's releases read it: a quoted string (`"eth0"`), a list (`[a, b]`,
/// `["a","b"]`) or a table (`{UCX={}, GDS={}}`). A value that opens a list or a table and
/// does not parse as one is an error, never a list of bracketed words.
pub(crate) fn parse_env_value(kind: Kind, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    let unquoted;
    let text = match quoted_string(text)? {
        Some(inner) => {
            unquoted = inner;
            unquoted.as_str()
        }
        None => text,
    };
    let value = match kind {
        Kind::Bool => Value::from(parse_bool(text)?),
        Kind::Unsigned(width) => {
            let max = width.max();
            let n: u64 = text
                .parse()
                .map_err(|_| format!("expected {}", integer_range(max)))?;
            if n > max {
                return Err(format!("must be at most {max}"));
            }
            Value::from(n)
        }
        Kind::Float => Value::from(
            text.parse::<f64>()
                .map_err(|_| "expected a number, e.g. 4.0".to_string())?,
        ),
        Kind::Text | Kind::Path => Value::from(text.to_string()),
        Kind::Choice(names) => {
            check_choice(names, text)?;
            Value::from(text.to_string())
        }
        Kind::TextList => Value::from(list_items(text)?),
        Kind::ChoiceList(names) => {
            let items = list_items(text)?;
            items
                .iter()
                .try_for_each(|item| check_choice(names, item))?;
            Value::from(items)
        }
        Kind::Backends => {
            let backends = backend_entries(text)?;
            check_backend_names(backends.iter().map(|(name, _)| name.as_str()))?;
            let backends: figment::value::Dict = backends
                .into_iter()
                .map(|(name, params)| (NixlBackend::normalize_name(&name), table_value(params)))
                .collect();
            table_value(backends)
        }
    };
    Ok(value)
}

/// Parses `true/false/1/0/yes/no/on/off`, ignoring case.
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("expected a boolean: true/false, 1/0, yes/no or on/off".into()),
    }
}

/// figment's reading of `text`, or `None` when it reads it as the plain string it is.
///
/// figment 0.10's string reader resolves a backslash escape by slicing at a *character*
/// index as if it were a byte index: after non-ASCII text it panics (not a char boundary)
/// or silently drops characters. Text holding both is refused with a reason instead of
/// being handed to it.
fn figment_reading(text: &str) -> Result<Option<Value>, String> {
    if text.contains('\\') && !text.is_ascii() {
        return Err(
            "uses a backslash escape beside non-ASCII text, which figment's value \
                    syntax cannot read; write the value without quotes or escapes"
                .into(),
        );
    }
    match text.parse::<Value>() {
        Ok(Value::String(_, s)) if s == text => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(never) => match never {},
    }
}

/// The text of a value written as one quoted string in figment's syntax (`"eth0"`), with
/// its escapes resolved; `None` for any other text.
fn quoted_string(text: &str) -> Result<Option<String>, String> {
    if !(text.len() >= 2 && text.starts_with('"') && text.ends_with('"')) {
        return Ok(None);
    }
    Ok(match figment_reading(text)? {
        Some(Value::String(_, inner)) => Some(inner),
        _ => None,
    })
}

/// The items of a list variable: `[a, "b"]` in figment's syntax, or `a,b`.
fn list_items(text: &str) -> Result<Vec<String>, String> {
    if !text.starts_with('[') {
        return Ok(split_list(text));
    }
    let not_a_list = || "expected a list: `[a, b]`, `[\"a\", \"b\"]` or `a,b`".to_string();
    let Some(Value::Array(_, items)) = figment_reading(text)? else {
        return Err(not_a_list());
    };
    items
        .into_iter()
        .map(|item| scalar_text(item).ok_or_else(not_a_list))
        .collect()
}

/// A backend set written in a variable: `{UCX={}, GDS={}}` (figment's table, parameters as
/// text), `[UCX, GDS]`, or `UCX,GDS`.
fn backend_entries(text: &str) -> Result<Vec<(String, Dict)>, String> {
    if !text.starts_with('{') {
        let names = list_items(text)?;
        return Ok(names.into_iter().map(|name| (name, Dict::new())).collect());
    }
    let not_a_table =
        || "expected backends: `{UCX={}, GDS={}}`, `[UCX, GDS]` or `UCX,GDS`".to_string();
    let Some(Value::Dict(_, backends)) = figment_reading(text)? else {
        return Err(not_a_table());
    };
    backends
        .into_iter()
        .map(|(name, params)| {
            let Value::Dict(_, params) = params else {
                return Err(not_a_table());
            };
            let params = params
                .into_iter()
                .map(|(key, value)| Some((key, Value::from(scalar_text(value)?))))
                .collect::<Option<Dict>>()
                .ok_or_else(not_a_table)?;
            Ok((name, params))
        })
        .collect()
}

/// A scalar of figment's syntax as text (`presence`, `"a b"`, `4`); `None` for a list or
/// a table.
fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::String(_, s) => Some(s),
        Value::Num(..) | Value::Bool(..) | Value::Char(..) => {
            Some(render(&value).trim_matches('"').to_string())
        }
        _ => None,
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}
