//! How a setting is declared: once, in its section module, with the [`settings!`] table.
//!
//! Like rustc's `options!` table, one declaration per setting holds everything known about
//! it: its doc, Rust type, default, environment variable, constraint and example. The macro
//! turns a section's table into
//!
//! - the struct itself, with each field's rustdoc extended by a generated
//!   "Default: ... Env: ... Constraint: ..." paragraph;
//! - its `Default` impl, from the declared defaults;
//! - a [`Section`] impl: the declarations as data ([`Section::MEMBERS`], which the registry
//!   in [`crate::schema`] walks to build the key table, the env mapping, the template and the
//!   README tables) and the code that checks each declared [`Rule`] against a value.
//!
//! The constraint's words and the rule that runs come from one token list
//! (`check: [min(1)]` gives the text `≥ 1` and [`Rule::Min`]), so they cannot disagree.
//! The value kind ([`Kind`]) comes from the Rust type through [`SettingType`], so the
//! registry cannot name a type the field does not have.
//!
//! A declarative macro was chosen over a derive macro in a companion crate: it needs no
//! proc-macro crate (no `syn` in the build of every KVBM crate), its expansion is plain
//! Rust a reader can follow with `cargo expand`, and the declaration stays a readable
//! table of fields. Its limits are accepted on purpose: options come in a fixed order
//! (`default`, `env`, `check`, `example`, `machine`).
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
//!             env: "KVBM_TOKIO_MAX_BLOCKING_THREADS",
//!             check: [min(1)],
//!         },
//!     }
//! }
//! ```
//!
//! A field is one of:
//! - a setting, `= { default: EXPR, env: "KVBM_...", check: [RULES], example: "TOML",
//!   machine: "WORDS" }` (`check`, `example` and `machine` are optional; `machine` says the
//!   default depends on the machine, in words; `env: "auto"` derives the variable from the
//!   key, for a table used at several keys such as an offload hop);
//! - `= section`: a nested table whose type has its own declaration;
//! - `= { section: EXPR }`: the same, with its own default at this key (each offload hop);
//! - `= flatten`: a nested struct written beside this one's fields (`#[serde(flatten)]`);
//! - `= { same_as: OtherVariant }`: the same setting as the field of that name in another
//!   variant of a one-of table (a `cluster_id` shared by etcd and p2p), declared there.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::value::Value;

/// The value type of a setting, as sources write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `true` or `false` (env: also `1/0/yes/no/on/off`).
    Bool,
    /// Unsigned integer of the given width.
    Unsigned(UInt),
    /// Floating-point number.
    Float,
    /// Text.
    Text,
    /// File-system path.
    Path,
    /// List of text (env: comma-separated).
    TextList,
    /// One of the given names.
    Choice(&'static [&'static str]),
    /// List of the given names (env: comma-separated).
    ChoiceList(&'static [&'static str]),
    /// NixL backends: name → parameters (env: comma-separated names).
    Backends,
}

/// Width of an unsigned setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UInt {
    /// `u16` (ports).
    U16,
    /// `u32`.
    U32,
    /// `u64` (durations in seconds).
    U64,
    /// `usize` (counts).
    Usize,
}

impl UInt {
    /// The largest value of the width.
    pub fn max(self) -> u64 {
        match self {
            UInt::U16 => u16::MAX.into(),
            UInt::U32 => u32::MAX.into(),
            UInt::U64 => u64::MAX,
            UInt::Usize => usize::MAX as u64,
        }
    }
}

impl Kind {
    /// The type with its accepted names, as the docs and `kvbm-config explain` print it.
    pub fn describe(self) -> String {
        match self {
            Kind::Choice(names) | Kind::ChoiceList(names) => {
                format!("{}: {}", self.type_name(), names.join(", "))
            }
            kind => kind.type_name().to_string(),
        }
    }

    /// The type as the reference tables print it.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::Unsigned(UInt::U16) => "u16",
            Kind::Unsigned(UInt::U32) => "u32",
            Kind::Unsigned(UInt::U64) => "u64",
            Kind::Unsigned(UInt::Usize) => "usize",
            Kind::Float => "f64",
            Kind::Text => "string",
            Kind::Path => "path",
            Kind::TextList => "list of strings",
            Kind::Choice(_) => "string (one of)",
            Kind::ChoiceList(_) => "list of names",
            Kind::Backends => "table name → { param = value }",
        }
    }
}

/// A setting's value as the rules look at it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum View<'a> {
    /// An optional setting that is unset: no rule applies.
    Unset,
    Unsigned(u64),
    Float(f64),
    Text(&'a str),
    Path(&'a Path),
    List(&'a [String]),
    Backends(&'a BTreeMap<String, BTreeMap<String, String>>),
    /// A value no rule looks into (a boolean, a name from a fixed list).
    Opaque,
}

/// A Rust type a setting may have: its [`Kind`], whether it is optional, and how the rules
/// see its value.
pub(crate) trait SettingType {
    /// What sources write for it.
    const KIND: Kind;
    /// `true` for `Option<T>`: the setting may be unset, and JSON `null` unsets it.
    const OPTIONAL: bool = false;
    /// The value as the rules see it.
    fn view(&self) -> View<'_>;
}

macro_rules! setting_type {
    ($($ty:ty => $kind:expr, |$v:ident| $view:expr;)*) => {$(
        impl SettingType for $ty {
            const KIND: Kind = $kind;
            fn view(&self) -> View<'_> {
                let $v = self;
                $view
            }
        }
        impl Absent for $ty {}
    )*};
}

setting_type! {
    bool => Kind::Bool, |_v| View::Opaque;
    u16 => Kind::Unsigned(UInt::U16), |v| View::Unsigned(u64::from(*v));
    u32 => Kind::Unsigned(UInt::U32), |v| View::Unsigned(u64::from(*v));
    u64 => Kind::Unsigned(UInt::U64), |v| View::Unsigned(*v);
    usize => Kind::Unsigned(UInt::Usize), |v| View::Unsigned(*v as u64);
    f64 => Kind::Float, |v| View::Float(*v);
    String => Kind::Text, |v| View::Text(v);
    PathBuf => Kind::Path, |v| View::Path(v);
    Vec<String> => Kind::TextList, |v| View::List(v);
    BTreeMap<String, BTreeMap<String, String>> => Kind::Backends, |v| View::Backends(v);
}

impl<T: SettingType> SettingType for Option<T> {
    const KIND: Kind = T::KIND;
    const OPTIONAL: bool = true;
    fn view(&self) -> View<'_> {
        self.as_ref().map_or(View::Unset, SettingType::view)
    }
}

/// Whether a field is absent, so that serialization leaves it out (`Option::None`); every
/// field type implements it, since the declaration macro marks every field alike.
pub(crate) trait Absent {
    /// `true` for `None`.
    fn is_absent(&self) -> bool {
        false
    }
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

/// `serde(skip_serializing_if)` helper for every declared field.
pub(crate) fn is_absent<T: Absent>(value: &T) -> bool {
    value.is_absent()
}

/// A constraint on a setting's value, declared in its `check: [...]` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `min(n)`: at least `n`.
    Min(u64),
    /// `range(a, b)`: from `a` to `b`, both included.
    Range(u64, u64),
    /// `cpus`: from 1 to the CPU count of the machine the config is checked on.
    Cpus,
    /// `not_empty`: text or path with at least one character.
    NotEmpty,
    /// `non_empty_list`: at least one entry, none empty.
    NonEmptyList,
    /// `no_empty_items`: no empty entry.
    NoEmptyItems,
    /// `positive_finite`: a finite number above zero.
    PositiveFinite,
    /// `ip`: an IPv4 or IPv6 address.
    Ip,
    /// `url`: a URL with a scheme and a host.
    Url,
    /// `backend_names`: backend names not empty and unique ignoring case.
    BackendNames,
    /// `not_with(field)`: not set together with the sibling `field`.
    NotWith(&'static str),
}

/// Code of a broken [`Rule::NotWith`], which names two settings.
pub(crate) const EXCLUSIVE_CODE: &str = "mutually_exclusive";

/// A broken rule at a dotted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Dotted key of the setting.
    pub key: String,
    /// The rule's code (`range`, `length`, [`EXCLUSIVE_CODE`], ...).
    pub code: &'static str,
    /// What the rule requires, in words.
    pub message: String,
    /// For [`Rule::NotWith`], the dotted key of the other setting.
    pub partner: Option<String>,
}

/// What rules need to know about the machine a config is checked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    /// The CPU count `Rule::Cpus` compares with.
    pub cpu_count: usize,
}

impl Rule {
    /// Checks `value`; `sibling_set` says whether a setting of the same table is set.
    /// `Err((code, message))` when the rule is broken. A rule never applies to an unset value.
    fn check(
        self,
        value: View<'_>,
        context: Context,
        sibling_set: &dyn Fn(&str) -> bool,
    ) -> Result<(), (&'static str, String)> {
        use validator::ValidateIp;
        let broken = |code, message: &str| Err((code, message.to_string()));
        match (self, value) {
            (_, View::Unset) => Ok(()),
            (Rule::Min(min), View::Unsigned(n)) if n < min => {
                Err(("range", format!("must be at least {min}")))
            }
            (Rule::Range(low, high), View::Unsigned(n)) if n < low || n > high => {
                Err(("range", format!("must be between {low} and {high}")))
            }
            (Rule::Cpus, View::Unsigned(0)) => broken("range", "must be at least 1"),
            (Rule::Cpus, View::Unsigned(n)) if n > context.cpu_count as u64 => Err((
                "range",
                format!(
                    "must be between 1 and the CPU count ({})",
                    context.cpu_count
                ),
            )),
            (Rule::NotEmpty, View::Text("")) => broken("length", "must not be empty"),
            (Rule::NotEmpty, View::Path(path)) if path.as_os_str().is_empty() => {
                broken("length", "must not be empty")
            }
            (Rule::NonEmptyList, View::List([])) => {
                broken("length", "must list at least one entry")
            }
            (Rule::NonEmptyList | Rule::NoEmptyItems, View::List(items))
                if items.iter().any(|item| item.trim().is_empty()) =>
            {
                broken("no_empty_items", "must not contain an empty entry")
            }
            (Rule::PositiveFinite, View::Float(f)) if !(f.is_finite() && f > 0.0) => {
                broken("positive_finite", "must be a finite number greater than 0")
            }
            (Rule::Ip, View::Text(text))
                if !text.validate_ip() || text.parse::<IpAddr>().is_err() =>
            {
                broken("ip", "must be a valid IPv4 or IPv6 address")
            }
            (Rule::Url, View::Text(text)) if !is_url_with_host(text) => broken(
                "url",
                "must be a URL with a scheme and a host, e.g. http://minio:9000",
            ),
            (Rule::BackendNames, View::Backends(backends)) => backend_names(backends),
            (Rule::NotWith(other), _) if sibling_set(other) => Err((EXCLUSIVE_CODE, String::new())),
            (rule, view) if !rule.applies_to(view) => Err((
                "rule",
                format!("the rule {rule:?} cannot check this value (a declaration error)"),
            )),
            _ => Ok(()),
        }
    }

    /// Whether the rule can look at a value of this shape; [`Rule::check`] reports a
    /// mismatch, and a test proves that no declaration pairs a rule with a wrong type.
    fn applies_to(self, view: View<'_>) -> bool {
        match self {
            Rule::Min(_) | Rule::Range(..) | Rule::Cpus => matches!(view, View::Unsigned(_)),
            Rule::NotEmpty => matches!(view, View::Text(_) | View::Path(_)),
            Rule::NonEmptyList | Rule::NoEmptyItems => matches!(view, View::List(_)),
            Rule::PositiveFinite => matches!(view, View::Float(_)),
            Rule::Ip | Rule::Url => matches!(view, View::Text(_)),
            Rule::BackendNames => matches!(view, View::Backends(_)),
            Rule::NotWith(_) => true,
        }
    }

    /// Whether the rule can check a value of `kind` (see [`Rule::applies_to`]).
    pub(crate) fn fits(self, kind: Kind) -> bool {
        match self {
            Rule::Min(_) | Rule::Range(..) | Rule::Cpus => matches!(kind, Kind::Unsigned(_)),
            Rule::NotEmpty => matches!(kind, Kind::Text | Kind::Path),
            Rule::NonEmptyList | Rule::NoEmptyItems => kind == Kind::TextList,
            Rule::PositiveFinite => kind == Kind::Float,
            Rule::Ip | Rule::Url => kind == Kind::Text,
            Rule::BackendNames => kind == Kind::Backends,
            Rule::NotWith(_) => true,
        }
    }

    /// The smallest and largest number the rule allows, for the JSON Schema.
    pub(crate) fn bounds(self) -> (Option<u64>, Option<u64>) {
        match self {
            Rule::Min(min) => (Some(min), None),
            Rule::Range(low, high) => (Some(low), Some(high)),
            Rule::Cpus => (Some(1), None),
            _ => (None, None),
        }
    }
}

/// Whether `text` is a URL with a scheme and a host (`http://minio:9000`); also used by
/// preflight for etcd endpoints.
pub(crate) fn is_url_with_host(text: &str) -> bool {
    use validator::ValidateUrl;
    // `validator` accepts `mailto:x`; an endpoint also needs `scheme://host`.
    text.validate_url()
        && text
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with(['/', ':', '@']))
}

fn backend_names(
    backends: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), (&'static str, String)> {
    if backends.keys().any(|name| name.trim().is_empty()) {
        return Err(("backend_name", "backend names must not be empty".into()));
    }
    let mut seen: Vec<String> = Vec::new();
    for name in backends.keys() {
        let upper = name.to_ascii_uppercase();
        if seen.contains(&upper) {
            return Err((
                "backend_name",
                format!("backend `{name}` is given twice; names ignore case"),
            ));
        }
        seen.push(upper);
    }
    Ok(())
}

/// One setting as its section module declares it (the key is relative to the section).
#[derive(Debug)]
pub(crate) struct Declared {
    /// The field name, the last part of the key.
    pub name: &'static str,
    /// One-line description: the first line of the field's doc, without its full stop.
    pub doc: &'static str,
    /// The `KVBM_*` variable that sets it; `"auto"` for one derived from the key (a
    /// table used at several keys, like an offload hop).
    pub env: &'static str,
    /// The value type, from the Rust type.
    pub kind: Kind,
    /// `true` when the Rust type is an `Option`.
    pub optional: bool,
    /// The rules that run at load and in [`crate::KvbmConfig::check`].
    pub rules: &'static [Rule],
    /// The rules in words; empty when any value of the type is valid.
    pub constraint: &'static str,
    /// An example value as TOML writes it, for the template.
    pub example: Option<&'static str>,
    /// For a default that depends on the machine, the default in words.
    pub machine: Option<&'static str>,
    /// The default as a value tree; `None` when the default is unset.
    pub default: fn() -> Option<Value>,
}

impl Declared {
    /// The `type` setting of a one-of table.
    pub(crate) const fn variant_tag(
        doc: &'static str,
        env: &'static str,
        names: &'static [&'static str],
    ) -> Declared {
        Declared {
            name: "type",
            doc,
            env,
            kind: Kind::Choice(names),
            optional: true,
            rules: &[],
            constraint: "",
            example: None,
            machine: None,
            default: || None,
        }
    }
}

/// The serialized default of a setting; `None` for an unset one.
pub(crate) fn default_tree<T: serde::Serialize + Absent>(value: T) -> Option<Value> {
    if value.is_absent() {
        return None;
    }
    Value::serialize(value).ok()
}

/// A member of a section: a setting, or a nested table.
#[derive(Debug)]
pub(crate) enum Member {
    /// A setting declared here.
    Setting(Declared),
    /// A setting declared in another variant of the same one-of table.
    Shared {
        /// The field name.
        name: &'static str,
        /// The members of the variant that declares it.
        from: &'static [Member],
    },
    /// A nested table (`flatten`: its fields sit beside this section's).
    Section {
        /// The field name.
        name: &'static str,
        /// Written beside this section's own fields.
        flatten: bool,
        /// Declares the nested table's members.
        declare: fn(&mut Collector, &str, Option<&'static str>),
    },
    /// A variant of a one-of table.
    Variant {
        /// The variant's name, as written after `type =`.
        name: &'static str,
        /// Declares the variant's members.
        declare: fn(&mut Collector, &str, Option<&'static str>),
    },
}

/// The declaration named `name` among `members`.
pub(crate) fn declared_in(members: &'static [Member], name: &str) -> &'static Declared {
    members
        .iter()
        .find_map(|member| match member {
            Member::Setting(declared) if declared.name == name => Some(declared),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no setting `{name}` is declared there"))
}

/// A table of the config whose settings are declared with [`settings!`] (or by hand, for
/// the one-of enums).
pub(crate) trait Section {
    /// The section's settings and nested tables, in declaration order.
    const MEMBERS: &'static [Member];

    /// Adds every setting under `prefix` to `collector`; `variant` is the one-of variant
    /// being declared, if any.
    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        collector.members(Self::MEMBERS, prefix, variant);
    }

    /// Checks every declared rule of this table (at `at`) and of the tables below it.
    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>);
}

impl<T: Section> Section for Option<T> {
    const MEMBERS: &'static [Member] = T::MEMBERS;

    fn declare(collector: &mut Collector, prefix: &str, variant: Option<&'static str>) {
        collector.optional_sections.push(prefix.to_string());
        T::declare(collector, prefix, variant);
    }

    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>) {
        if let Some(section) = self {
            section.check(at, context, found);
        }
    }
}

/// Checks the rules of one setting, recording each broken one.
pub(crate) fn check_setting<T: SettingType>(
    at: &KeyPath<'_>,
    name: &'static str,
    value: &T,
    rules: &[Rule],
    context: Context,
    sibling_set: &dyn Fn(&str) -> bool,
    found: &mut Vec<Violation>,
) {
    for rule in rules {
        let Err((code, message)) = rule.check(value.view(), context, sibling_set) else {
            continue;
        };
        // The key is built only for a broken rule: a valid config costs no allocation.
        let key = at.key(name);
        let partner = match rule {
            Rule::NotWith(other) => {
                let (table, this) = key.rsplit_once('.').unwrap_or(("", &key));
                // The pair is one problem: report it once, at the later name.
                if this < *other {
                    continue;
                }
                Some(join(table, other))
            }
            _ => None,
        };
        let message = match &partner {
            Some(other) => format!(
                "`{}` and `{}` are mutually exclusive; set only one",
                other.rsplit('.').next().unwrap_or(other),
                key.rsplit('.').next().unwrap_or(&key)
            ),
            None => message,
        };
        found.push(Violation {
            key: key.clone(),
            code,
            message,
            partner,
        });
    }
}

/// Where a table sits, as a chain of names built on the stack while checking, so that a
/// valid config is checked without building a single key string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyPath<'a> {
    parent: Option<&'a KeyPath<'a>>,
    name: &'static str,
}

impl<'a> KeyPath<'a> {
    /// The root table.
    pub(crate) const ROOT: KeyPath<'static> = KeyPath {
        parent: None,
        name: "",
    };

    /// The table `name` inside this one.
    pub(crate) fn child(&'a self, name: &'static str) -> KeyPath<'a> {
        KeyPath {
            parent: Some(self),
            name,
        }
    }

    /// The dotted key of `name` in this table.
    pub(crate) fn key(&self, name: &str) -> String {
        let mut parts = vec![name];
        let mut at = Some(self);
        while let Some(path) = at {
            if !path.name.is_empty() {
                parts.push(path.name);
            }
            at = path.parent;
        }
        parts.reverse();
        parts.join(".")
    }
}

/// `prefix.name`, or `name` at the root.
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        return name.to_string();
    }
    let mut joined = String::with_capacity(prefix.len() + 1 + name.len());
    joined.push_str(prefix);
    joined.push('.');
    joined.push_str(name);
    joined
}

/// Every setting of the config under its dotted key, as the declarations give them.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// The settings in declaration order, each with the variants that have it.
    pub settings: Vec<(String, &'static Declared, Vec<&'static str>)>,
    /// Tables that may be absent, or set to `null` by a higher layer.
    pub optional_sections: Vec<String>,
    /// One-of tables with their variant names.
    pub variant_tables: Vec<(String, Vec<&'static str>)>,
    /// Every nested table, even one without settings (`presence = {}`).
    pub sections: Vec<String>,
}

impl Collector {
    fn members(&mut self, members: &'static [Member], prefix: &str, variant: Option<&'static str>) {
        for member in members {
            match member {
                Member::Setting(declared) => self.setting(prefix, declared, variant),
                Member::Shared { name, from } => {
                    self.setting(prefix, declared_in(from, name), variant)
                }
                Member::Section {
                    name,
                    flatten,
                    declare,
                } => {
                    let key = if *flatten {
                        prefix.to_string()
                    } else {
                        join(prefix, name)
                    };
                    if !self.sections.contains(&key) {
                        self.sections.push(key.clone());
                    }
                    declare(self, &key, variant);
                }
                Member::Variant { name, declare } => {
                    match self.variant_tables.iter_mut().find(|(t, _)| t == prefix) {
                        Some((_, names)) => names.push(name),
                        None => self.variant_tables.push((prefix.to_string(), vec![name])),
                    }
                    declare(self, prefix, Some(name));
                }
            }
        }
    }

    fn setting(
        &mut self,
        prefix: &str,
        declared: &'static Declared,
        variant: Option<&'static str>,
    ) {
        let key = join(prefix, declared.name);
        let variants = variant.into_iter().collect::<Vec<_>>();
        match self.settings.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, first, owners)) => {
                assert!(
                    std::ptr::eq(*first, declared),
                    "`{key}` is declared twice; use `same_as` in the second variant"
                );
                owners.extend(variants);
            }
            None => self.settings.push((key, declared, variants)),
        }
    }
}

/// Declares the settings of one section; see the module docs for the syntax.
macro_rules! settings {
    (
        #[doc = $struct_doc:literal]
        $(#[$struct_meta:meta])*
        pub struct $name:ident {
            $(
                #[doc = $summary:literal]
                $(#[$field_meta:meta])*
                pub $field:ident : $ty:ty = $spec:tt
            ),* $(,)?
        }
    ) => {
        #[doc = $struct_doc]
        $(#[$struct_meta])*
        pub struct $name {
            $(
                #[doc = $summary]
                $(#[$field_meta])*
                #[doc = ""]
                #[doc = crate::settings::field_doc!($field $spec)]
                #[serde(skip_serializing_if = "crate::settings::is_absent")]
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $($field: crate::settings::field_default!($field $ty, $spec),)*
                }
            }
        }

        impl crate::settings::Absent for $name {}

        impl crate::settings::Section for $name {
            const MEMBERS: &'static [crate::settings::Member] = &[
                $(crate::settings::member!($field $ty, $summary, $spec),)*
            ];

            fn check(
                &self,
                at: &crate::settings::KeyPath<'_>,
                context: crate::settings::Context,
                found: &mut Vec<crate::settings::Violation>,
            ) {
                let sibling_set = |name: &str| match name {
                    $(stringify!($field) => !crate::settings::Absent::is_absent(&self.$field),)*
                    _ => false,
                };
                let _ = (&sibling_set, at, context, &found);
                $(crate::settings::check_field!(self, $field $ty, $spec, at, context, sibling_set, found);)*
            }
        }
    };
}

/// The generated paragraph of a field's rustdoc.
macro_rules! field_doc {
    ($field:ident section) => { "" };
    ($field:ident { section: $default:expr }) => {
        concat!("Default: `", stringify!($default), "`.")
    };
    ($field:ident flatten) => { "" };
    ($field:ident { same_as: $other:ident }) => {
        concat!("The same setting as [`", stringify!($other), "::", stringify!($field), "`].")
    };
    ($field:ident {
        default: $default:expr, env: $env:literal
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)? $(,)?
    }) => {
        concat!(
            "Default: ",
            $($machine, " (",)?
            "`", stringify!($default), "`",
            $(")", crate::settings::skip_tokens!($machine),)?
            ". Env: ", crate::settings::env_text!($env), ".",
            $("\n\nConstraint: ", crate::settings::rules_text!($($rule)*), ".",)?
        )
    };
}

/// The default of a field in the generated `Default` impl.
macro_rules! field_default {
    ($field:ident $ty:ty, { section: $default:expr }) => {
        $default
    };
    ($field:ident $ty:ty, section) => {
        <$ty as Default>::default()
    };
    ($field:ident $ty:ty, flatten) => {
        <$ty as Default>::default()
    };
    ($field:ident $ty:ty, { same_as: $other:ident }) => {
        <$other as Default>::default().$field
    };
    ($field:ident $ty:ty, { default: $default:expr, $($rest:tt)* }) => {
        $default
    };
}

/// The [`Member`] of a field.
macro_rules! member {
    ($field:ident $ty:ty, $summary:literal, { section: $default:expr }) => {
        crate::settings::member!($field $ty, $summary, section)
    };
    ($field:ident $ty:ty, $summary:literal, section) => {
        crate::settings::Member::Section {
            name: stringify!($field),
            flatten: false,
            declare: <$ty as crate::settings::Section>::declare,
        }
    };
    ($field:ident $ty:ty, $summary:literal, flatten) => {
        crate::settings::Member::Section {
            name: stringify!($field),
            flatten: true,
            declare: <$ty as crate::settings::Section>::declare,
        }
    };
    ($field:ident $ty:ty, $summary:literal, { same_as: $other:ident }) => {
        crate::settings::Member::Shared {
            name: stringify!($field),
            from: <$other as crate::settings::Section>::MEMBERS,
        }
    };
    ($field:ident $ty:ty, $summary:literal, {
        default: $default:expr, env: $env:literal
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)? $(,)?
    }) => {
        crate::settings::Member::Setting(crate::settings::Declared {
            name: stringify!($field),
            doc: $summary,
            env: $env,
            kind: <$ty as crate::settings::SettingType>::KIND,
            optional: <$ty as crate::settings::SettingType>::OPTIONAL,
            rules: crate::settings::first!($(crate::settings::rules_value!($($rule)*),)? &[]),
            constraint: crate::settings::first!($(crate::settings::rules_text!($($rule)*),)? ""),
            example: crate::settings::first!($(Some($example),)? None),
            machine: crate::settings::first!($(Some($machine),)? None),
            default: || {
                let value: $ty = $default;
                crate::settings::default_tree(value)
            },
        })
    };
}

/// The check of one field in the generated [`Section::check`].
macro_rules! check_field {
    ($self:ident, $field:ident $ty:ty, { section: $default:expr }, $prefix:ident, $context:ident, $sibling:ident, $found:ident) => {
        crate::settings::check_field!($self, $field $ty, section, $prefix, $context, $sibling, $found)
    };
    ($self:ident, $field:ident $ty:ty, section, $prefix:ident, $context:ident, $sibling:ident, $found:ident) => {
        crate::settings::Section::check(
            &$self.$field,
            &$prefix.child(stringify!($field)),
            $context,
            $found,
        )
    };
    ($self:ident, $field:ident $ty:ty, flatten, $prefix:ident, $context:ident, $sibling:ident, $found:ident) => {
        crate::settings::Section::check(&$self.$field, $prefix, $context, $found)
    };
    ($self:ident, $field:ident $ty:ty, { same_as: $other:ident }, $prefix:ident, $context:ident, $sibling:ident, $found:ident) => {
        crate::settings::check_setting(
            $prefix,
            stringify!($field),
            &$self.$field,
            crate::settings::declared_in(
                <$other as crate::settings::Section>::MEMBERS,
                stringify!($field),
            )
            .rules,
            $context,
            &$sibling,
            $found,
        )
    };
    ($self:ident, $field:ident $ty:ty, { default: $default:expr, env: $env:literal
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)? $(,)?
    }, $prefix:ident, $context:ident, $sibling:ident, $found:ident) => {
        crate::settings::check_setting(
            $prefix,
            stringify!($field),
            &$self.$field,
            crate::settings::first!($(crate::settings::rules_value!($($rule)*),)? &[]),
            $context,
            &$sibling,
            $found,
        )
    };
}

/// The words of a `check: [...]` list, joined with "; ".
macro_rules! rules_text {
    ($first:ident $(($($arg:tt)*))? $(, $rule:ident $(($($rarg:tt)*))?)* $(,)?) => {
        concat!(
            crate::settings::rule_text!($first $(($($arg)*))?)
            $(, "; ", crate::settings::rule_text!($rule $(($($rarg)*))?))*
        )
    };
}

/// The [`Rule`]s of a `check: [...]` list, as a slice.
macro_rules! rules_value {
    ($($rule:ident $(($($arg:tt)*))?),* $(,)?) => {
        &[$(crate::settings::rule_value!($rule $(($($arg)*))?),)*]
    };
}

/// The variable of a setting in its rustdoc: `env: "auto"` derives it from the key.
macro_rules! env_text {
    ("auto") => {
        "`KVBM_` and the key in upper case, dots as `_` (e.g. `KVBM_OFFLOAD_G1_TO_G2_POLICIES`)"
    };
    ($env:literal) => {
        concat!("`", $env, "`")
    };
}

/// The words of one rule.
macro_rules! rule_text {
    (min($n:literal)) => {
        concat!("≥ ", $n)
    };
    (range($low:literal, $high:literal)) => {
        concat!($low, " ≤ x ≤ ", $high)
    };
    (cpus) => {
        "1 ≤ x ≤ CPU count"
    };
    (not_empty) => {
        "not empty"
    };
    (non_empty_list) => {
        "at least one, none empty"
    };
    (no_empty_items) => {
        "none empty"
    };
    (positive_finite) => {
        "finite, > 0"
    };
    (ip) => {
        "valid IP address"
    };
    (url) => {
        "a URL with a scheme and a host"
    };
    (backend_names) => {
        "names not empty; unique ignoring case"
    };
    (not_with($other:ident)) => {
        concat!("not with ", stringify!($other))
    };
}

/// One [`Rule`].
macro_rules! rule_value {
    (min($n:literal)) => {
        crate::settings::Rule::Min($n)
    };
    (range($low:literal, $high:literal)) => {
        crate::settings::Rule::Range($low, $high)
    };
    (cpus) => {
        crate::settings::Rule::Cpus
    };
    (not_empty) => {
        crate::settings::Rule::NotEmpty
    };
    (non_empty_list) => {
        crate::settings::Rule::NonEmptyList
    };
    (no_empty_items) => {
        crate::settings::Rule::NoEmptyItems
    };
    (positive_finite) => {
        crate::settings::Rule::PositiveFinite
    };
    (ip) => {
        crate::settings::Rule::Ip
    };
    (url) => {
        crate::settings::Rule::Url
    };
    (backend_names) => {
        crate::settings::Rule::BackendNames
    };
    (not_with($other:ident)) => {
        crate::settings::Rule::NotWith(stringify!($other))
    };
}

/// The first of its arguments: an optional part of a declaration, or the fallback.
macro_rules! first {
    ($first:expr $(, $rest:expr)* $(,)?) => {
        $first
    };
}

/// Nothing: lets an optional part of a declaration steer a repetition.
macro_rules! skip_tokens {
    ($($tokens:tt)*) => {
        ""
    };
}

pub(crate) use {
    check_field, env_text, field_default, field_doc, first, member, rule_text, rule_value,
    rules_text, rules_value, settings, skip_tokens,
};
