//! The `settings!` table macro and its helpers; see the module docs of `declare` for the syntax.

/// Declares the settings of one section; see the module docs for the syntax.
macro_rules! settings {
    (
        #[doc = $struct_doc:literal]
        $(#[$struct_meta:meta])*
        pub struct $name:ident {
            $(
                #[doc = $summary:literal]
                $(#[$field_meta:meta])*
                pub $field:ident : $ty:ty = $decl:tt
            ),* $(,)?
        }
        $(null: $null:expr;)?
    ) => {
        #[doc = $struct_doc]
        $(#[$struct_meta])*
        pub struct $name {
            $(
                #[doc = $summary]
                $(#[$field_meta])*
                #[doc = ""]
                #[doc = crate::declare::field_doc!($name $field $decl)]
                #[serde(skip_serializing_if = "crate::declare::is_absent")]
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $($field: crate::declare::field_default!($field $ty, $decl),)*
                }
            }
        }

        impl crate::declare::Absent for $name {}

        // `Debug` shows every field, and a field declared `secret` through the redaction
        // rule, so a new field can neither vanish from it nor leak through it.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(
                        stringify!($field),
                        &crate::secret::Shown::<_, { crate::declare::flag!(secret in $decl) }>(&self.$field),
                    ))*
                    .finish()
            }
        }

        crate::declare::validate_impl!($name);

        impl crate::declare::Section for $name {
            $(
                fn null_value() -> Option<figment::value::Value> {
                    figment::value::Value::serialize(&$null).ok()
                }
            )?

            const ENTRIES: &'static [crate::declare::Entry] = &[
                $(crate::declare::entry!($name $field $ty, $summary, crate::declare::flag!(secret in $decl), crate::declare::flag!(agree in $decl), crate::declare::flag!(nullable in $decl), $decl),)*
            ];

            fn check(
                &self,
                at: &crate::declare::KeyPath<'_>,
                found: &mut Vec<crate::declare::Violation>,
            ) {
                let sibling_set = |name: &str| match name {
                    $(stringify!($field) => !crate::declare::Absent::is_absent(&self.$field),)*
                    _ => false,
                };
                let _ = (&sibling_set, at, &found);
                $(crate::declare::check_field!(self, $field $ty, $decl, at, sibling_set, found);)*
            }
        }
    };
}

/// Declares the root table: each field is a section whose module has the field's name
/// (`src/<field>.rs`, declared here as `pub mod <field>;`) and whose type that module
/// declares with `settings!`. A new section is its module file and one line here.
macro_rules! sections {
    (
        #[doc = $struct_doc:literal]
        $(#[$struct_meta:meta])*
        pub struct $name:ident {
            $(
                #[doc = $summary:literal]
                pub $field:ident : $ty:ty = section
            ),* $(,)?
        }
    ) => {
        $(pub mod $field;)*

        crate::declare::settings! {
            #[doc = $struct_doc]
            $(#[$struct_meta])*
            pub struct $name {
                $(
                    #[doc = $summary]
                    pub $field: $ty = section,
                )*
            }
        }
    };
}

/// The generated paragraph of a field's rustdoc. The default is shown as TOML writes it,
/// from `shown_default!`, which `BLESS=1 cargo test --all-features` generates from the
/// defaults themselves (see `docs::rustdoc_facts`).
macro_rules! field_doc {
    ($owner:ident $field:ident section) => { "" };
    ($owner:ident $field:ident { section: $default:expr }) => {
        "This table has its own defaults at this key: each of its settings lists them."
    };
    ($owner:ident $field:ident flatten) => { "" };
    ($owner:ident $field:ident { same_as: $other:ident }) => {
        concat!("The same setting as [`", stringify!($other), "::", stringify!($field), "`].")
    };
    ($owner:ident $field:ident {
        default: $default:expr $(, env: $env:literal)?
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)?
        $(, secret)? $(, agree)? $(, nullable)? $(,)?
    }) => {
        concat!(
            "Default: ", crate::declare::shown_default!($owner $field),
            ". Env: ", crate::declare::shown_env!($owner $field), ".",
            crate::declare::shown_constraint!($owner $field),
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

/// The [`Entry`] of a field.
macro_rules! entry {
    ($owner:ident $field:ident $ty:ty, $summary:literal, $secret:expr, $agree:expr, $nullable:expr, { section: $default:expr }) => {
        crate::declare::entry!($owner $field $ty, $summary, $secret, $agree, $nullable, section)
    };
    ($owner:ident $field:ident $ty:ty, $summary:literal, $secret:expr, $agree:expr, $nullable:expr, section) => {
        crate::declare::Entry::Table {
            name: stringify!($field),
            flatten: false,
            declare: <$ty as crate::declare::Section>::declare,
        }
    };
    ($owner:ident $field:ident $ty:ty, $summary:literal, $secret:expr, $agree:expr, $nullable:expr, flatten) => {
        crate::declare::Entry::Table {
            name: stringify!($field),
            flatten: true,
            declare: <$ty as crate::declare::Section>::declare,
        }
    };
    ($owner:ident $field:ident $ty:ty, $summary:literal, $secret:expr, $agree:expr, $nullable:expr, { same_as: $other:ident }) => {
        crate::declare::Entry::SameAs {
            name: stringify!($field),
            from: <$other as crate::declare::Section>::ENTRIES,
        }
    };
    ($owner:ident $field:ident $ty:ty, $summary:literal, $secret:expr, $agree:expr, $nullable:expr, {
        default: $default:expr $(, env: $env:literal)?
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)?
        $(, secret)? $(, agree)? $(, nullable)? $(,)?
    }) => {
        crate::declare::Entry::Setting(crate::declare::Declaration {
            owner: stringify!($owner),
            name: stringify!($field),
            secret: $secret,
            agree: $agree,
            nullable: $nullable,
            doc: $summary,
            env: crate::declare::first!($(Some($env),)? None),
            kind: <$ty as crate::declare::SettingType>::KIND,
            optional: <$ty as crate::declare::SettingType>::OPTIONAL,
            rules: crate::declare::first!($(crate::declare::rules_value!($($rule)*),)? &[]),
            example: crate::declare::first!($(Some($example),)? None),
            machine: crate::declare::first!($(Some($machine),)? None),
            default: || {
                let value: $ty = $default;
                crate::declare::default_tree(value)
            },
        })
    };
}

/// The check of one field in the generated [`Section::check`].
macro_rules! check_field {
    ($self:ident, $field:ident $ty:ty, { section: $default:expr }, $prefix:ident, $sibling:ident, $found:ident) => {
        crate::declare::check_field!($self, $field $ty, section, $prefix, $sibling, $found)
    };
    ($self:ident, $field:ident $ty:ty, section, $prefix:ident, $sibling:ident, $found:ident) => {
        crate::declare::Section::check(
            &$self.$field,
            &$prefix.child(stringify!($field)),
            $found,
        )
    };
    ($self:ident, $field:ident $ty:ty, flatten, $prefix:ident, $sibling:ident, $found:ident) => {
        crate::declare::Section::check(&$self.$field, $prefix, $found)
    };
    ($self:ident, $field:ident $ty:ty, { same_as: $other:ident }, $prefix:ident, $sibling:ident, $found:ident) => {
        crate::declare::check_setting(
            $prefix,
            stringify!($field),
            &$self.$field,
            crate::declare::declaration_in(
                <$other as crate::declare::Section>::ENTRIES,
                stringify!($field),
            )
            .rules,
            &$sibling,
            $found,
        )
    };
    ($self:ident, $field:ident $ty:ty, { default: $default:expr $(, env: $env:literal)?
        $(, check: [$($rule:tt)*])? $(, example: $example:literal)? $(, machine: $machine:literal)?
        $(, secret)? $(, agree)? $(, nullable)? $(,)?
    }, $prefix:ident, $sibling:ident, $found:ident) => {
        crate::declare::check_setting(
            $prefix,
            stringify!($field),
            &$self.$field,
            crate::declare::first!($(crate::declare::rules_value!($($rule)*),)? &[]),
            &$sibling,
            $found,
        )
    };
}

/// The [`Rule`]s of a `check: [...]` list, as a slice.
macro_rules! rules_value {
    ($($rule:ident $(($($arg:tt)*))?),* $(,)?) => {
        &[$(crate::declare::make::$rule $(($($arg)*))?,)*]
    };
}

/// The first of its arguments: an optional part of a declaration, or the fallback.
macro_rules! first {
    ($first:expr $(, $rest:expr)* $(,)?) => {
        $first
    };
}

/// `validator::Validate` for a declared table: its declared rules, as `validator` reports
/// them (for code written against `dynamo-kvbm-config`; `KvbmConfig::check` names sources
/// too). One impl for the `settings!` tables, the one-of tables and the NixL object enum.
macro_rules! validate_impl {
    ($name:ident) => {
        #[cfg(feature = "validator")]
        #[cfg_attr(docsrs, doc(cfg(feature = "validator")))]
        impl validator::Validate for $name {
            fn validate(&self) -> Result<(), validator::ValidationErrors> {
                crate::declare::validate_section(self)
            }
        }
    };
}

/// Whether a declaration carries the marker word `$word` (`secret`, `agree`): `true` or
/// `false`.
/// Markers are bare words at the end of a setting's declaration, after its other parts.
macro_rules! flag {
    ($word:ident in { $($tokens:tt)* }) => {
        crate::declare::flag!(@scan $word; $($tokens)*)
    };
    ($word:ident in $other:ident) => {
        false
    };
    (@scan secret; , secret $($rest:tt)*) => {
        true
    };
    (@scan agree; , agree $($rest:tt)*) => {
        true
    };
    (@scan nullable; , nullable $($rest:tt)*) => {
        true
    };
    (@scan $word:ident; $first:tt $($rest:tt)*) => {
        crate::declare::flag!(@scan $word; $($rest)*)
    };
    (@scan $word:ident;) => {
        false
    };
}

/// Declares a setting type whose value is one of a fixed set of names: the enum (each
/// variant serialized as its name, with `Debug, Clone, Copy, PartialEq, Eq, Hash`, serde's
/// traits and the JSON Schema derived; a declaration adds only what is its own, such as
/// `Default` with its `#[default]` variant), its `NAMES` in declaration order, and its
/// [`SettingType`](crate::declare::SettingType). Names and serde cannot disagree, since
/// both come from this one list.
macro_rules! choice {
    (
        #[doc = $doc:literal]
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                #[doc = $variant_doc:literal]
                $(#[$variant_meta:meta])*
                $variant:ident = $text:literal
            ),* $(,)?
        }
    ) => {
        #[doc = $doc]
        $(#[$meta])*
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $variant_doc]
                $(#[$variant_meta])*
                #[serde(rename = $text)]
                $variant,
            )*
        }

        impl $name {
            /// The accepted names.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The name a source writes for this value.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }
        }

        impl crate::declare::SettingType for $name {
            const KIND: crate::declare::Kind = crate::declare::Kind::Choice(Self::NAMES);
            fn view(&self) -> crate::declare::View<'_> {
                crate::declare::View::Opaque
            }
        }

        impl crate::declare::Absent for $name {}
    };
}

pub(crate) use {
    check_field, choice, entry, field_default, field_doc, first, flag, rules_value, sections,
    settings, validate_impl,
};
