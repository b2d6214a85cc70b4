//! Object storage settings, tier G4 (`[object]`).
//!
//! `object` is optional: absent means no G4 tier. `object.client` is an S3 client or a NixL
//! object backend, written in the tagged form (`type = "s3"`, what this crate serializes) or
//! the table form (`[object.client.s3]`).
//!
//! Credentials never belong here: the S3 client takes them from its usual environment.

use serde::{Deserialize, Deserializer, Serialize};

use crate::settings::{Absent, Context, Declared, KeyPath, Member, Section, Violation};

/// Settings of the object-storage tier (`[object]`).
///
/// Written by hand rather than with `settings!`: its one field is required, so it has no
/// `Default`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectConfig {
    /// The client that talks to the object store (`[object.client]`).
    ///
    /// Env: `KVBM_OBJECT_CLIENT_TYPE` plus the variant's fields.
    pub client: ObjectClientConfig,
}

impl Absent for ObjectConfig {}

impl Section for ObjectConfig {
    const MEMBERS: &'static [Member] = &[Member::Section {
        name: "client",
        flatten: false,
        declare: <ObjectClientConfig as Section>::declare,
    }];

    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>) {
        self.client.check(&at.child("client"), context, found);
    }
}

/// The object-store client (`[object.client]`), one of two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ObjectClientConfig {
    /// KVBM's own S3 client.
    S3(S3ClientConfig),
    /// A NixL object backend.
    Nixl(NixlObjectClientConfig),
}

impl ObjectClientConfig {
    /// The variant names, as written after `type =`.
    pub const TYPES: &'static [&'static str] = &["s3", "nixl"];

    /// The S3 settings, whichever client carries them.
    pub fn s3(&self) -> &S3ClientConfig {
        match self {
            Self::S3(s3) => s3,
            Self::Nixl(nixl) => &nixl.s3,
        }
    }
}

/// Mirror of [`ObjectClientConfig`] that serde derives for the tagged form.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum TaggedClient {
    S3(S3ClientConfig),
    Nixl(NixlObjectClientConfig),
}

impl<'de> Deserialize<'de> for ObjectClientConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tagged: TaggedClient =
            crate::variant::deserialize_either_form(deserializer, Self::TYPES)?;
        Ok(match tagged {
            TaggedClient::S3(c) => Self::S3(c),
            TaggedClient::Nixl(c) => Self::Nixl(c),
        })
    }
}

impl Absent for ObjectClientConfig {}

// The one-of table: its `type` setting, then each variant's settings. The NixL variant
// flattens the S3 settings, so they apply to both.
impl Section for ObjectClientConfig {
    const MEMBERS: &'static [Member] = &[
        Member::Setting(Declared::variant_tag(
            "Object client (G4 tier); unset = no G4",
            "KVBM_OBJECT_CLIENT_TYPE",
            Self::TYPES,
        )),
        Member::Variant {
            name: "s3",
            declare: <S3ClientConfig as Section>::declare,
        },
        Member::Variant {
            name: "nixl",
            declare: <NixlObjectClientConfig as Section>::declare,
        },
    ];

    fn check(&self, at: &KeyPath<'_>, context: Context, found: &mut Vec<Violation>) {
        match self {
            Self::S3(c) => c.check(at, context, found),
            Self::Nixl(c) => c.check(at, context, found),
        }
    }
}

crate::settings::settings! {
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
            env: "KVBM_OBJECT_CLIENT_ENDPOINT_URL",
            check: [url],
            example: r#""http://minio:9000""#,
        },
        /// S3 bucket name.
        pub bucket: String = {
            default: "kvbm-blocks".to_string(),
            env: "KVBM_OBJECT_CLIENT_BUCKET",
            check: [not_empty],
        },
        /// S3 region.
        pub region: String = {
            default: "us-east-1".to_string(),
            env: "KVBM_OBJECT_CLIENT_REGION",
            check: [not_empty],
        },
        /// Path-style URLs (MinIO).
        ///
        /// `endpoint/bucket/key` instead of `bucket.endpoint/key`, as MinIO needs.
        pub force_path_style: bool = {
            default: false,
            env: "KVBM_OBJECT_CLIENT_FORCE_PATH_STYLE",
        },
        /// Max concurrent S3 requests.
        pub max_concurrent_requests: usize = {
            default: 16,
            env: "KVBM_OBJECT_CLIENT_MAX_CONCURRENT_REQUESTS",
            check: [min(1)],
        },
    }
}

crate::settings::settings! {
    /// NixL object backend settings (`type = "nixl"`): the S3 settings plus the NixL backend.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct NixlObjectClientConfig {
        /// NixL object backend.
        pub backend: String = {
            default: "s3".to_string(),
            env: "KVBM_OBJECT_CLIENT_BACKEND",
            check: [not_empty],
        },
        /// The S3 settings, written beside `backend`.
        #[serde(flatten)]
        pub s3: S3ClientConfig = flatten,
    }
}

impl std::fmt::Debug for S3ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secret::RedactedStr;
        f.debug_struct("S3ClientConfig")
            .field(
                "endpoint_url",
                &self.endpoint_url.as_deref().map(RedactedStr),
            )
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("force_path_style", &self.force_path_style)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .finish()
    }
}
