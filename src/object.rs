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
        tag: { doc: "Object client (G4 tier); unset = no G4", env: "KVBM_OBJECT_CLIENT_TYPE" },
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
            Self::Nixl(nixl) => &nixl.s3,
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
            env: "KVBM_OBJECT_CLIENT_ENDPOINT_URL",
            check: [url],
            example: r#""http://minio:9000""#,
            secret,
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

crate::declare::settings! {
    /// NixL object backend settings (`type = "nixl"`): the S3 settings plus the NixL backend.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
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
