//! Checking a source's value against a setting's [`Kind`], and rendering values for people.

use figment::value::{Dict, Num, Tag, Value};

use crate::declare::Kind;

/// `dict` as a table value, moved as it is. (figment's `Value::from(dict)` rebuilds the
/// map and copies every key: one allocation per key, on every table of every source.)
pub(crate) fn table_value(dict: Dict) -> Value {
    Value::Dict(Tag::Default, dict)
}

/// Takes `value` out of its place in a table being rewritten in place; what is left there
/// is a placeholder that the caller overwrites or removes.
/// `null` in a value tree.
pub(crate) fn null_value() -> Value {
    Value::Empty(Default::default(), figment::value::Empty::None)
}

/// `value` with `tag` on it and on everything below it: a value this crate writes in place
/// of a source's (`null` read as a default) carries that source's tag, which names the
/// provider of a caller-built figment.
pub(crate) fn with_tag(value: Value, tag: figment::value::Tag) -> Value {
    match value {
        Value::String(_, v) => Value::String(tag, v),
        Value::Char(_, v) => Value::Char(tag, v),
        Value::Bool(_, v) => Value::Bool(tag, v),
        Value::Num(_, v) => Value::Num(tag, v),
        Value::Empty(_, v) => Value::Empty(tag, v),
        Value::Dict(_, dict) => Value::Dict(
            tag,
            dict.into_iter()
                .map(|(k, v)| (k, with_tag(v, tag)))
                .collect(),
        ),
        Value::Array(_, items) => {
            Value::Array(tag, items.into_iter().map(|v| with_tag(v, tag)).collect())
        }
    }
}

pub(crate) fn take_value(value: &mut Value) -> Value {
    std::mem::replace(value, Value::from(false))
}

/// Checks that `value` has the type `kind` wants; the error says what was expected and found.
pub(crate) fn check_value(kind: Kind, value: &Value) -> Result<(), String> {
    let ok = match (kind, value) {
        (Kind::Bool, Value::Bool(..)) => true,
        (Kind::Unsigned(width), Value::Num(_, num)) => {
            let max = width.max();
            return match unsigned(num) {
                Some(n) if n <= max as u128 => Ok(()),
                Some(_) => Err(format!("must be at most {max}")),
                None => Err(format!(
                    "expected {}, found {}",
                    integer_range(max),
                    describe(value)
                )),
            };
        }
        (Kind::Float, Value::Num(..)) => true,
        (Kind::Text | Kind::Path, Value::String(..)) => true,
        (Kind::Choice(names), Value::String(_, s)) => return check_choice(names, s),
        (Kind::TextList, Value::Array(_, items)) => {
            return items.iter().try_for_each(|item| match item {
                Value::String(..) => Ok(()),
                other => Err(format!(
                    "expected a list of strings, found an item {}",
                    describe(other)
                )),
            })
        }
        (Kind::ChoiceList(names), Value::Array(_, items)) => {
            return items.iter().try_for_each(|item| match item {
                Value::String(_, s) => check_choice(names, s),
                other => Err(format!(
                    "expected a list of names, found an item {}",
                    describe(other)
                )),
            })
        }
        (Kind::Backends, Value::Dict(_, backends)) => {
            return backends.iter().try_for_each(|(name, params)| match params {
                Value::Dict(_, params) => params.iter().try_for_each(|(param, v)| match v {
                    Value::String(..) => Ok(()),
                    other => Err(format!(
                        "parameter `{param}` of backend `{name}` must be a string, found {}",
                        describe(other)
                    )),
                }),
                other => Err(format!(
                    "backend `{name}` must be a table of parameters, found {}",
                    describe(other)
                )),
            })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {}, found {}",
            expected(kind),
            describe(value)
        ))
    }
}

pub(crate) fn check_choice(names: &[&str], given: &str) -> Result<(), String> {
    if names.contains(&given) {
        return Ok(());
    }
    // The value itself is the problem's `value` (redacted); the message names the rule.
    let mut message = format!("not one of {}", quoted_list(names));
    if let Some(near) = crate::suggest::closest(given, names.iter().copied()) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    Err(message)
}

/// The value of a non-negative integer number, whatever its width.
fn unsigned(num: &Num) -> Option<u128> {
    match *num {
        Num::U8(n) => Some(n.into()),
        Num::U16(n) => Some(n.into()),
        Num::U32(n) => Some(n.into()),
        Num::U64(n) => Some(n.into()),
        Num::U128(n) => Some(n),
        Num::USize(n) => Some(n as u128),
        Num::I8(n) => u128::try_from(n).ok(),
        Num::I16(n) => u128::try_from(n).ok(),
        Num::I32(n) => u128::try_from(n).ok(),
        Num::I64(n) => u128::try_from(n).ok(),
        Num::I128(n) => u128::try_from(n).ok(),
        Num::ISize(n) => u128::try_from(n).ok(),
        Num::F32(_) | Num::F64(_) => None,
    }
}

/// "an integer from 0 to 65535", or "a non-negative integer" when the bound is the word size.
pub(crate) fn integer_range(max: u64) -> String {
    if max > u32::MAX as u64 {
        "a non-negative integer".to_string()
    } else {
        format!("an integer from 0 to {max}")
    }
}

fn expected(kind: Kind) -> String {
    match kind {
        Kind::Bool => "a boolean (true or false)".into(),
        Kind::Unsigned(width) => integer_range(width.max()),
        Kind::Float => "a number".into(),
        Kind::Text => "a string".into(),
        Kind::Path => "a path string".into(),
        Kind::TextList => "a list of strings".into(),
        Kind::Choice(names) => format!("one of {}", quoted_list(names)),
        Kind::ChoiceList(names) => format!("a list of {}", quoted_list(names)),
        Kind::Backends => "a table of backends, e.g. { UCX = {}, POSIX = {} }".into(),
    }
}

/// Names the type of a value for an error message (the value itself is printed beside it).
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::String(..) | Value::Char(..) => "a string",
        Value::Bool(..) => "a boolean",
        Value::Num(_, num) if unsigned(num).is_some() || num.to_i128().is_some() => "an integer",
        Value::Num(..) => "a number",
        Value::Empty(..) => "null",
        Value::Dict(..) => "a table",
        Value::Array(..) => "a list",
    }
}

/// Renders a value the way a TOML file would write it, with credentials redacted.
///
/// This is the one rendering of a value for text output: credentials go by the redaction
/// rule, and whatever came from an input is escaped for a terminal (Rust's quoting escapes
/// control characters; [`escape_terminal`](crate::secret::escape_terminal) the bidi overrides too).
pub fn render(value: &Value) -> String {
    use crate::secret::escape_terminal;
    match value {
        Value::String(_, s) => {
            let quoted = format!("{:?}", crate::secret::redact_urls(s));
            match escape_terminal(&quoted) {
                std::borrow::Cow::Borrowed(_) => quoted,
                std::borrow::Cow::Owned(escaped) => escaped,
            }
        }
        Value::Char(_, c) => format!("{:?}", c.to_string()),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, num) => render_num(num),
        Value::Empty(..) => "null".into(),
        Value::Array(_, items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Dict(_, dict) if dict.is_empty() => "{}".into(),
        Value::Dict(_, dict) => {
            let entries: Vec<String> = dict
                .iter()
                .map(|(k, v)| {
                    let k = escape_terminal(k);
                    match crate::secret::is_secret_name(&k) {
                        true => format!("{k} = \"{}\"", crate::secret::REDACTED),
                        false => format!("{k} = {}", render(v)),
                    }
                })
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

fn render_num(num: &Num) -> String {
    match *num {
        Num::F32(f) => render_float(f.into()),
        Num::F64(f) => render_float(f),
        other => unsigned(&other)
            .map(|n| n.to_string())
            .or_else(|| other.to_i128().map(|n| n.to_string()))
            .unwrap_or_default(),
    }
}

fn render_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// Renders names as `` `a`, `b` `` for messages.
pub(crate) fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
