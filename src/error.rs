//! Errors and warnings: every problem names the key, the offending value and its source.
//!
//! A load collects *every* problem it finds (unknown keys, wrong types, unparsable
//! variables, failed constraints, in every source) before it fails, so that one run shows
//! everything to fix. [`ConfigError`] carries them as data; its `Display` prints one line per
//! problem in the form `key: message (value, source)`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Source;

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// A key no setting has (a typo, usually); the message suggests the closest.
    UnknownKey,
    /// A value of the wrong type (text where a number belongs, ...).
    InvalidType,
    /// A value of the right type that is not accepted (an unknown policy name, ...).
    InvalidValue,
    /// A value that breaks a constraint (a bound, a non-empty rule, an exclusion).
    Constraint,
    /// A required setting that no source gives.
    Missing,
    /// Settings that contradict each other within one source (`ucx` and `UCX`, ...).
    Conflict,
    /// A file or JSON document that is not valid TOML or JSON.
    Syntax,
    /// A file that cannot be read.
    Io,
    /// A warning, failing the load because the loader is strict.
    Warning,
}

/// One problem found while loading: what, where, with which value, from which source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// Dotted key (`cache.host.cache_size_gb`); empty for a problem with a whole document.
    pub key: String,
    /// The offending value as TOML would write it, when there is one.
    pub value: Option<String>,
    /// Where the value (or the document) came from.
    pub source: Source,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// What is wrong, in words, with a suggestion where one is known.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(
        kind: ProblemKind,
        key: impl Into<String>,
        source: Source,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            key: key.into(),
            value: None,
            source,
            kind,
            message: message.into(),
        }
    }

    /// A warning as a problem, for strict loads.
    pub(crate) fn from_warning(warning: Warning) -> Self {
        Problem::new(
            ProblemKind::Warning,
            warning.key,
            warning.source,
            warning.message,
        )
    }

    /// Attaches the offending value, as rendered, through the redaction rule: the value is
    /// kept only as it may be printed (every exit, Python and JSON included, reads it here).
    ///
    /// Messages name the rule, not the value; should one still quote a value that holds a
    /// credential (a parser's words), that quotation is replaced by the redacted value, so
    /// the raw input is kept nowhere.
    pub(crate) fn with_value(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        let redacted = match crate::secret::redact_value(&self.key, &value) {
            std::borrow::Cow::Borrowed(_) => value,
            std::borrow::Cow::Owned(redacted) => {
                let raw = value.trim_matches('"');
                if !raw.is_empty() && self.message.contains(raw) {
                    self.message = self.message.replace(raw, redacted.trim_matches('"'));
                }
                redacted
            }
        };
        self.value = Some(redacted);
        self
    }
}

/// Writes `key: message (value, source)`, every part that came from an input escaped for
/// a terminal; the problem and the warning of a load, and a preflight finding, print so.
pub(crate) fn write_entry(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    message: &str,
    value: Option<&str>,
    source: &Source,
) -> fmt::Result {
    use crate::secret::{escape_terminal, redact_urls};
    if !key.is_empty() {
        write!(f, "{}: ", escape_terminal(key))?;
    }
    write!(f, "{} (", escape_terminal(&redact_urls(message)))?;
    if let Some(value) = value {
        write!(f, "{}, ", escape_terminal(value))?;
    }
    write!(f, "{source})")
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_entry(
            f,
            &self.key,
            &self.message,
            self.value.as_deref(),
            &self.source,
        )
    }
}

/// A failed load: every problem found, in the order the sources were read.
///
/// `Display` prints one line per problem: `key: message (value, source)`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct ConfigError {
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

impl ConfigError {
    /// Wraps problems; `problems` must not be empty.
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        debug_assert!(!problems.is_empty(), "a ConfigError needs a problem");
        ConfigError {
            problems,
            warnings: Vec::new(),
        }
    }

    /// The same error, carrying the warnings of the failed load.
    pub(crate) fn with_warnings(mut self, warnings: Vec<Warning>) -> Self {
        self.warnings = warnings;
        self
    }

    /// Every problem found, in the order the sources were read.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The warnings of the failed load (an unknown `KVBM_*` variable is often the reason a
    /// value is missing). `Display` shows only the problems.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The problem about `key`, if there is one.
    pub fn problem_for(&self, key: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.key == key)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// A setting that loads but will probably not do what was meant (an unknown `KVBM_*`
/// variable, an empty one, ...). Loads succeed with warnings; the entry points log them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Dotted key or variable name the warning is about.
    pub key: String,
    /// Where it came from.
    pub source: Source,
    /// What will probably go wrong, with a suggestion where one is known.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_entry(f, &self.key, &self.message, None, &self.source)
    }
}

/// Building something from a valid-looking config failed (a runtime, a pool, an address).
///
/// Builders check what their target would panic on (tokio panics on zero threads) and
/// return this instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A setting the builder cannot use.
    #[error("{key}: {message} ({value})")]
    Invalid {
        /// Dotted key of the setting.
        key: &'static str,
        /// The offending value.
        value: String,
        /// Why it cannot be used.
        message: String,
    },
    /// The operating system refused (threads, sockets, interfaces).
    #[error("{what}: {source}")]
    Io {
        /// What was being built.
        what: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Rayon could not build the pool (e.g. the global pool exists already).
    #[cfg(feature = "rayon")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rayon")))]
    #[error("cannot build the Rayon pool: {0}")]
    Rayon(#[from] rayon::ThreadPoolBuildError),
    /// `nova.backend.tcp_interface` names no interface of this machine.
    #[error("nova.backend.tcp_interface: no network interface `{name}`; this machine has: {}", available.join(", "))]
    UnknownInterface {
        /// The name asked for.
        name: String,
        /// The interfaces that exist.
        available: Vec<String>,
    },
    /// `nova.backend.tcp_interface` has no IPv4 address.
    #[error("nova.backend.tcp_interface: interface `{name}` has no IPv4 address")]
    NoIpv4Address {
        /// The interface.
        name: String,
    },
}

impl BuildError {
    /// Rejects a zero thread count before it reaches a builder that would panic on it.
    #[cfg(any(feature = "tokio", feature = "rayon"))]
    pub(crate) fn require_threads(key: &'static str, threads: usize) -> Result<(), BuildError> {
        if threads == 0 {
            return Err(BuildError::Invalid {
                key,
                value: "0".into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

/// Emits each warning once as a `tracing` warning (target `kvbm_config`): the one place a
/// load's warnings reach the log.
pub(crate) fn log_warnings(warnings: &[Warning]) {
    for warning in warnings {
        tracing::warn!(target: "kvbm_config", "{warning}");
    }
}
