//! Object storage settings, tier G4 (`[object]`).
//!
//! `object` is optional: absent means no G4 tier. `object.client` is an S3 client or a NixL
//! object backend, written in the tagged form (`type = "s3"`, what this crate serializes) or
//! the table form (`[object.client.s3]`).
//!
//! Credentials never belong here: the S3 client takes them from its usual environment.

use serde::{Deserialize, Deserializer, Serialize};
use validator::{Validate, ValidationErrors};

/// Settings of the object-storage tier (`[object]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct ObjectConfig {
    /// The client that talks to the object store (`[object.client]`).
    ///
    /// Env: `KVBM_OBJECT_CLIENT_TYPE` plus the variant's fields.
    #[validate(nested)]
    pub client: ObjectClientConfig,
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

// `validator` cannot derive on enums. The NixL variant flattens its S3 settings, so its
// errors are the S3 errors plus its own, all named like the keys under `object.client`.
impl Validate for ObjectClientConfig {
    fn validate(&self) -> Result<(), ValidationErrors> {
        match self {
            Self::S3(c) => c.validate(),
            Self::Nixl(c) => {
                let mut errors = c.s3.validate().err().unwrap_or_default();
                if let Err(own) = c.validate() {
                    errors.0.extend(own.0);
                }
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(errors)
                }
            }
        }
    }
}

/// Default for [`S3ClientConfig::bucket`].
pub const DEFAULT_BUCKET: &str = "kvbm-blocks";
/// Default for [`S3ClientConfig::region`].
pub const DEFAULT_REGION: &str = "us-east-1";

/// S3 client settings (`type = "s3"`).
///
/// `Debug` redacts a password in `endpoint_url`; the field keeps the real value.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct S3ClientConfig {
    /// S3 endpoint URL; none means AWS S3. Set it for MinIO and other S3-compatible stores.
    ///
    /// Default: none. Env: `KVBM_OBJECT_CLIENT_ENDPOINT_URL`. Constraint: a URL, not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, message = "must not be empty"))]
    pub endpoint_url: Option<String>,

    /// Bucket holding the KV blocks.
    ///
    /// Default: `"kvbm-blocks"`. Env: `KVBM_OBJECT_CLIENT_BUCKET`. Constraint: not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    pub bucket: String,

    /// AWS region.
    ///
    /// Default: `"us-east-1"`. Env: `KVBM_OBJECT_CLIENT_REGION`. Constraint: not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    pub region: String,

    /// Use path-style URLs (`endpoint/bucket/key`), as MinIO needs.
    ///
    /// Default: `false`. Env: `KVBM_OBJECT_CLIENT_FORCE_PATH_STYLE`.
    pub force_path_style: bool,

    /// Upper bound of S3 requests in flight.
    ///
    /// Default: `16`. Env: `KVBM_OBJECT_CLIENT_MAX_CONCURRENT_REQUESTS`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub max_concurrent_requests: usize,
}

impl Default for S3ClientConfig {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            bucket: DEFAULT_BUCKET.to_string(),
            region: DEFAULT_REGION.to_string(),
            force_path_style: false,
            max_concurrent_requests: 16,
        }
    }
}

/// NixL object backend settings (`type = "nixl"`): the S3 settings plus the NixL backend.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct NixlObjectClientConfig {
    /// NixL object backend to use.
    ///
    /// Default: `"s3"`. Env: `KVBM_OBJECT_CLIENT_BACKEND`. Constraint: not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    pub backend: String,

    /// The S3 settings, written beside `backend` (flattened).
    #[serde(flatten)]
    pub s3: S3ClientConfig,
}

impl Default for NixlObjectClientConfig {
    fn default() -> Self {
        Self {
            backend: "s3".to_string(),
            s3: S3ClientConfig::default(),
        }
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
