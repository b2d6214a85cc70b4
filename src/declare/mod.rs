//! How a setting is declared: once, in its section module, with the [`settings!`] table.
//!
//! Like rustc's `options!` table, one declaration per setting holds everything known about
//! it: its doc, Rust type, default, environment variable, constraint and example. The macro
//! turns a section's table into
//!
//! - the struct itself, with each field's rustdoc extended by a generated
//!   "Default: ... Env: ... Constraint: ..." paragraph (the default as TOML writes it, from
//!   `shown.rs`, which `BLESS=1 cargo test --all-features` writes from the registry, since
//!   a macro sees only the declaration's tokens; the variable comes from there too);
//! - its `Debug` impl, every field shown, a `secret` one through the redaction rule;
//! - its `Default` impl, from the declared defaults;
//! - a [`Section`] impl: the declarations as data ([`Section::ENTRIES`], which the registry
//!   in [`crate::registry`] walks to build the key table, the env mapping, the template and the
//!   README tables) and the code that checks each declared [`Rule`] against a value.
//!
//! Each rule is one entry of the `rules!` table in `rule.rs`: its name in a `check: [...]`
//! list, its words, the kinds it fits, its bounds, its JSON Schema keywords and its check.
//! `check: [min(1)]` calls the entry's constructor ([`Rule::Min`]); the words `≥ 1` the
//! docs show are that entry's, so the text and the check cannot disagree.
//! The value kind ([`Kind`]) comes from the Rust type through [`SettingType`], so the
//! registry cannot name a type the field does not have.
//!
//! A declarative macro was chosen over a derive macro in a companion crate: it needs no
//! proc-macro crate (no `syn` in the build of every KVBM crate), its expansion is plain
//! Rust a reader can follow with `cargo expand`, and the declaration stays a readable
//! table of fields. Its limits are accepted on purpose: options come in a fixed order
//! (`default`, `env`, `check`, `example`, `machine`, then marker words such as `secret`).
//!
//! ```text
//! settings! {
//!     /// Settings of the Tokio runtime (`[tokio]`).
//!     #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
//!     #[serde(default, deny_unknown_fields)]
//!     pub struct TokioConfig {
//!         /// Max blocking thread pool size.
//!         pub max_blocking_threads: usize = {
//!             default: 512,
//!             check: [min(1)],
//!         },
//!     }
//! }
//! ```
//!
//! A field is one of:
//! - a setting, `= { default: EXPR, env: "KVBM_...", check: [RULES], example: "TOML",
//!   machine: "WORDS" }` (all but `default` are optional; `machine` says the default depends
//!   on the machine, in words; without `env` the variable is the key's, by the one rule of
//!   [`crate::registry::env_name`]: `KVBM_TOKIO_MAX_BLOCKING_THREADS` above). The marker word
//!   `secret` at the end says the value may hold a credential (a URL password, a key):
//!   `Debug` and every output show it only redacted;
//! - `= section`: a nested table whose type has its own declaration;
//! - `= { section: EXPR }`: the same, with its own default at this key (each offload hop);
//! - `= flatten`: a nested struct written beside this one's fields (`#[serde(flatten)]`);
//! - `= { same_as: OtherVariant }`: the same setting as the field of that name in another
//!   variant of a one-of table (a `cluster_id` shared by etcd and p2p), declared there.
//!
//! The root table, `KvbmConfig`, is declared with [`sections!`]: one line per section, which
//! also declares the section's module. A value whose names are fixed is a [`choice!`] enum;
//! a table written in two spellings is a `one_of!` (`crate::one_of`).

mod collect;
mod declaration;
mod key_path;
mod kind;
mod macros;
mod rule;
mod shown;
#[cfg(feature = "validator")]
mod validator;

pub(crate) use collect::{declaration_in, Collector, Entry, Section};
pub(crate) use declaration::{default_tree, Declaration};
pub(crate) use key_path::{join, key_buffer, push_name, KeyPath};
pub(crate) use kind::{is_absent, Absent, SettingType, View};
pub use kind::{Kind, UInt};
pub(crate) use macros::{
    check_field, choice, entry, field_default, field_doc, first, flag, rules_value, sections,
    settings, validate_impl,
};
pub(crate) use rule::{check_backend_names, check_setting, make, Rule, Violation, EXCLUSIVE_CODE};
pub(crate) use shown::{shown_constraint, shown_default, shown_env};
#[cfg(feature = "validator")]
pub(crate) use validator::validate_section;
