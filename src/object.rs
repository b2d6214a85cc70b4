//! Object storage settings, tier G4 (`[object]`).
//!
//! `object` is optional: absent means no G4 tier. `object.client` is an S3 client or a NixL
//! object backend, written in the tagged form (`type = "s3"`, what this crate serializes) or
//! the table form (`[object.client.s3]`).
//!
//! Credentials never belong here: the S3 client takes them from its usual environment.

use serde::{Deserialize, Serialize};

crate::declare::settings! {
    /// Settings of the object-storage tier (`[object]`).
    ///
    /// `client` is required in a source (no `#[serde(default)]` here): an `[object]` table
    /// without a client is an error. `Default` is an S3 client with its defaults.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ObjectConfig {
        /// The client that talks to the object store (`[object.client]`).
        pub client: ObjectClientConfig = { section: ObjectClientConfig::S3(S3ClientConfig::default()) },
    }
}

crate::one_of::one_of! {
    /// The object-store client (`[object.client]`), one of two. The NixL variant flattens
    /// the S3 settings, so they apply to both.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum ObjectClientConfig {
        tag: { doc: "Object client (G4 tier); unset = no G4" },
        /// KVBM's own S3 client.
        S3 = "s3" (S3ClientConfig),
        /// A NixL object backend.
        Nixl = "nixl" (NixlObjectClientConfig),
    }
}

impl ObjectClientConfig {
    /// The S3 settings, whichever client carries them.
    pub fn s3(&self) -> &S3ClientConfig {
        match self {
            Self::S3(s3) => s3,
            Self::Nixl(nixl) => nixl.s3(),
        }
    }
}

crate::declare::settings! {
    /// S3 client settings (`type = "s3"`).
    ///
    /// `Debug` redacts a password in `endpoint_url`; the field keeps the real value.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct S3ClientConfig {
        /// S3 endpoint (none = AWS S3).
        ///
        /// Set it for MinIO and other S3-compatible stores.
        pub endpoint_url: Option<String> = {
            default: None,
            check: [url],
            example: r#""http://minio:9000""#,
            secret,
            agree,
        },
        /// S3 bucket name.
        pub bucket: String = {
            default: "kvbm-blocks".to_string(),
            check: [not_empty],
            agree,
        },
        /// S3 region.
        pub region: String = {
            default: "us-east-1".to_string(),
            check: [not_empty],
            agree,
        },
        /// Path-style URLs (MinIO).
        ///
        /// `endpoint/bucket/key` instead of `bucket.endpoint/key`, as MinIO needs.
        pub force_path_style: bool = {
            default: false,
            agree,
        },
        /// Max concurrent S3 requests.
        pub max_concurrent_requests: usize = {
            default: 16,
            check: [min(1)],
        },
    }
}

/// Declares the NixL object backends: each backend's name, written once, gives the enum's
/// serde name, [`NixlObjectClientConfig::BACKENDS`], `backend()`, the reading of a table and
/// the declarations. Every backend carries the S3 settings beside `backend`.
macro_rules! nixl_object_backends {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal
    ),+ $(,)?) => {
        /// The NixL object backend (`type = "nixl"`), tagged by `backend` beside its settings
        /// (the S3 settings). A closed set, so a backend NixL has no object plugin for is an
        /// error at load, naming the ones it has. `backend` may be left out: the first
        /// backend is meant.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(tag = "backend")]
        pub enum NixlObjectClientConfig {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                $variant(S3ClientConfig),
            )+
        }

        impl NixlObjectClientConfig {
            /// The backend names, in declaration order.
            pub const BACKENDS: &'static [&'static str] = &[$($name),+];

            /// The S3 settings of the backend.
            pub fn s3(&self) -> &S3ClientConfig {
                match self {
                    $(Self::$variant(s3) => s3,)+
                }
            }

            /// The backend's name, as `backend` writes it.
            pub fn backend(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $name,)+
                }
            }

            /// The backend named `name` with the S3 settings `s3`.
            fn named(name: &str, s3: S3ClientConfig) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant(s3)),)+
                    _ => None,
                }
            }
        }
    };
}

nixl_object_backends! {
    /// NixL's S3 object plugin, with the S3 settings written beside `backend`.
    S3 = "s3",
}

impl Default for NixlObjectClientConfig {
    fn default() -> Self {
        let first = Self::BACKENDS[0];
        Self::named(first, S3ClientConfig::default()).expect("the first backend is declared")
    }
}

/// `backend` may be left out (the `Default` backend is then meant), which serde's tagged
/// enums do not allow: read the table, take `backend` out, and give the rest to the
/// backend.
impl<'de> Deserialize<'de> for NixlObjectClientConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = figment::value::Dict::deserialize(deserializer)?;
        let backend = match table.remove("backend") {
            None => NixlObjectClientConfig::default().backend().to_string(),
            Some(value) => value
                .into_string()
                .ok_or_else(|| D::Error::custom("`backend` must be a string"))?,
        };
        if !Self::BACKENDS.contains(&backend.as_str()) {
            return Err(D::Error::unknown_variant(&backend, Self::BACKENDS));
        }
        let s3 = crate::registry::value::table_value(table)
            .deserialize::<S3ClientConfig>()
            .map_err(D::Error::custom)?;
        Ok(Self::named(&backend, s3).expect("a declared backend"))
    }
}

/// A NixL object backend: the S3 settings plus `backend` (its tag), rejecting unknown keys
/// as they do.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for NixlObjectClientConfig {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NixlObjectClientConfig".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut nixl = <S3ClientConfig as schemars::JsonSchema>::json_schema(generator).to_value();
        if let Some(object) = nixl.as_object_mut() {
            object.insert("additionalProperties".into(), serde_json::json!(false));
            let backend = crate::registry::setting(crate::key::object::client::BACKEND)
                .expect("object.client.backend is declared");
            if let Some(properties) = object.get_mut("properties").and_then(|p| p.as_object_mut()) {
                properties.insert(
                    "backend".into(),
                    serde_json::json!({
                        "description": backend.doc,
                        "type": "string",
                        "enum": NixlObjectClientConfig::BACKENDS,
                        "default": NixlObjectClientConfig::default().backend(),
                    }),
                );
            }
        }
        schemars::Schema::try_from(nixl).expect("an object schema")
    }
}

impl crate::declare::Absent for NixlObjectClientConfig {}

impl crate::declare::Section for NixlObjectClientConfig {
    const ENTRIES: &'static [crate::declare::Entry] = &[
        crate::declare::Entry::Setting(crate::declare::Declaration {
            owner: "NixlObjectClientConfig",
            name: "backend",
            secret: false,
            agree: true,
            nullable: false,
            doc: "NixL object backend",
            env: None,
            kind: crate::declare::Kind::Choice(NixlObjectClientConfig::BACKENDS),
            optional: false,
            rules: &[],
            example: None,
            machine: None,
            default: || {
                Some(figment::value::Value::from(
                    NixlObjectClientConfig::default().backend(),
                ))
            },
        }),
        // The S3 settings, beside `backend` whichever backend it names.
        crate::declare::Entry::Table {
            name: "",
            flatten: true,
            declare: <S3ClientConfig as crate::declare::Section>::declare,
        },
    ];

    fn check(&self, at: &crate::declare::KeyPath<'_>, found: &mut Vec<crate::declare::Violation>) {
        self.s3().check(at, found);
    }
}

crate::declare::validate_impl!(NixlObjectClientConfig);
