//! `validator::Validate` for every declared table: the declared rules, reported the way
//! `validator`'s derive reports them (a field's errors under its name, a nested table's
//! under its own), for code written against `dynamo-kvbm-config`, which derived it.
//! `KvbmConfig::check` stays the crate's own way, with sources and words.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use super::collect::Section;
use super::key_path::KeyPath;
use super::rule::Violation;

/// Runs the declared rules of `section` (and of every table below it).
pub(crate) fn validate_section<S: Section>(section: &S) -> Result<(), ValidationErrors> {
    let mut found = Vec::new();
    section.check(&KeyPath::ROOT, &mut found);
    match found.is_empty() {
        true => Ok(()),
        false => Err(validation_errors(found)),
    }
}

/// The violations as nested `ValidationErrors`: `tokio.worker_threads` is the field
/// `worker_threads` of the struct entry `tokio`.
fn validation_errors(found: Vec<Violation>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for violation in found {
        let mut error = ValidationError::new(violation.code);
        error.message = Some(Cow::Owned(violation.message));
        if let Some(partner) = &violation.partner {
            error.add_param(Cow::Borrowed("other"), partner);
        }
        let mut parts: Vec<&str> = violation.key.split('.').collect();
        let field = parts.pop().unwrap_or_default().to_string();
        let mut table = &mut errors;
        for part in parts {
            let entry = table
                .0
                .entry(Cow::Owned(part.to_string()))
                .or_insert_with(|| ValidationErrorsKind::Struct(Box::default()));
            table = match entry {
                ValidationErrorsKind::Struct(inner) => inner,
                _ => unreachable!("a table's name is never a field's"),
            };
        }
        match table
            .0
            .entry(Cow::Owned(field))
            .or_insert_with(|| ValidationErrorsKind::Field(Vec::new()))
        {
            ValidationErrorsKind::Field(list) => list.push(error),
            _ => unreachable!("a field's name is never a table's"),
        }
    }
    errors
}
