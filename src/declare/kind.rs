//! Value kinds: what sources write for a setting, derived from its Rust type.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// `serde(skip_serializing_if)` helper for every declaration field.
pub(crate) fn is_absent<T: Absent>(value: &T) -> bool {
    value.is_absent()
}
