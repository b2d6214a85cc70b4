//! Validation beyond types: the `validator` derives on the section structs, the hand-written
//! rules they cannot express, and a renderer that flattens `validator`'s nested errors into
//! `(dotted key, message)` pairs that the loader turns into [`crate::Problem`]s.

use std::borrow::Cow;
use std::path::Path;

use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::KvbmConfig;

/// A failed rule at a dotted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Dotted key of the field (of the table, for a rule over several fields).
    pub key: String,
    /// The rule's code (`range`, `length`, [`crate::error::EXCLUSIVE_CODE`], ...).
    pub code: String,
    /// What the rule requires, in words.
    pub message: String,
}

/// Every rule `config` breaks on a machine with `cpu_count` CPUs.
pub(crate) fn violations(config: &KvbmConfig, cpu_count: usize) -> Vec<Violation> {
    let mut found = Vec::new();
    if let Err(errors) = config.validate() {
        flatten("", &errors, &mut found);
    }
    let threads = config.tokio.worker_threads;
    if threads > cpu_count {
        found.push(Violation {
            key: "tokio.worker_threads".into(),
            code: "range".into(),
            message: format!("must be between 1 and the CPU count ({cpu_count})"),
        });
    }
    // `HashMap` order is random: sort so that errors read the same on every run.
    found.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.code.cmp(&b.code)));
    found
}

fn flatten(prefix: &str, errors: &ValidationErrors, found: &mut Vec<Violation>) {
    for (field, kind) in errors.errors() {
        let key = match field.as_ref() {
            "__all__" => prefix.to_string(),
            name if prefix.is_empty() => name.to_string(),
            name => format!("{prefix}.{name}"),
        };
        match kind {
            ValidationErrorsKind::Field(list) => found.extend(list.iter().map(|error| Violation {
                key: key.clone(),
                code: error.code.to_string(),
                message: message_of(error),
            })),
            ValidationErrorsKind::Struct(inner) => flatten(&key, inner, found),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{key}.{i}"), inner, found);
                }
            }
        }
    }
}

fn message_of(error: &ValidationError) -> String {
    match &error.message {
        Some(message) => message.to_string(),
        None => format!("breaks the `{}` rule", error.code),
    }
}

/// `validator` rule: no entry of a list is empty.
pub(crate) fn no_empty_items(items: &[String]) -> Result<(), ValidationError> {
    if items.iter().any(|item| item.trim().is_empty()) {
        return Err(ValidationError::new("no_empty_items")
            .with_message(Cow::Borrowed("must not contain an empty entry")));
    }
    Ok(())
}

/// `validator` rule: a path is not empty.
pub(crate) fn non_empty_path(path: &Path) -> Result<(), ValidationError> {
    if path.as_os_str().is_empty() {
        return Err(
            ValidationError::new("non_empty").with_message(Cow::Borrowed("must not be empty"))
        );
    }
    Ok(())
}
