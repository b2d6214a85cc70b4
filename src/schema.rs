//! The registry of every setting: key, type, environment variable, constraint and doc.
//!
//! [`FIELDS`] is the single source of truth for the *shape* of a config as sources write it:
//! the loader checks every file and JSON key against it, maps every `KVBM_*` variable with
//! it, and the README tables and the operator command render it. A test checks that it
//! matches the serde model field for field, so the two cannot drift.
//!
//! Keys are written in the tagged form: a discovery field is `nova.discovery.cluster_id`
//! whichever spelling the source used, and [`FieldSpec::applies_to`] says which variants
//! (`type = ...`) have it.

use std::collections::HashMap;
use std::sync::OnceLock;

use figment::value::{Num, Value};

use crate::cache::CacheParallelism;
use crate::nova::DiscoveryConfig;
use crate::object::ObjectClientConfig;
use crate::offload::{OffloadPolicy, OnboardMode};

/// The variable that names the user config file (layer 3); not a config key itself.
pub const CONFIG_PATH_ENV: &str = "KVBM_CONFIG_PATH";

/// Prefix of every variable this crate reads.
pub const ENV_PREFIX: &str = "KVBM_";

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

/// One setting: everything the loader, the docs and the operator command know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldSpec {
    /// Dotted key in the tagged form, e.g. `cache.host.cache_size_gb`.
    pub key: &'static str,
    /// The `KVBM_*` variable that sets it.
    pub env: &'static str,
    /// The value type.
    pub kind: Kind,
    /// `true` when the setting may be absent (an `Option`); JSON `null` then unsets it.
    pub optional: bool,
    /// For fields of a one-of table: the variants (`type` values) that have the field.
    pub applies_to: &'static [&'static str],
    /// The constraint checked at load, in words; empty when any value of the type is valid.
    pub constraint: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// An example value as TOML writes it, for settings whose default is "unset" or
    /// machine-dependent (used by the template).
    pub example: Option<&'static str>,
}

const U16: Kind = Kind::Unsigned(UInt::U16);
const U32: Kind = Kind::Unsigned(UInt::U32);
const U64: Kind = Kind::Unsigned(UInt::U64);
const USIZE: Kind = Kind::Unsigned(UInt::Usize);
const ETCD: &[&str] = &["etcd"];
const P2P: &[&str] = &["p2p"];
const ETCD_P2P: &[&str] = &["etcd", "p2p"];
const FILESYSTEM: &[&str] = &["filesystem"];
const S3_NIXL: &[&str] = &["s3", "nixl"];
const NIXL: &[&str] = &["nixl"];

const fn field(key: &'static str, env: &'static str, kind: Kind, doc: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        env,
        kind,
        optional: false,
        applies_to: &[],
        constraint: "",
        doc,
        example: None,
    }
}

impl FieldSpec {
    const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    const fn only(mut self, variants: &'static [&'static str]) -> Self {
        self.applies_to = variants;
        self
    }
    const fn constraint(mut self, constraint: &'static str) -> Self {
        self.constraint = constraint;
        self
    }
    const fn example(mut self, example: &'static str) -> Self {
        self.example = Some(example);
        self
    }

    /// `true` for the `type` key of a one-of table (`nova.discovery.type`, `object.client.type`).
    pub fn is_variant_tag(&self) -> bool {
        self.key.ends_with(".type")
    }

    /// The default as the reference tables print it (computed from the `Default` impls).
    pub fn default_text(&self) -> String {
        if self.key == "rayon.num_threads" {
            return "CPU count".to_string();
        }
        match crate::schema::default_value(self) {
            Some(value) => render(&value),
            None if !self.optional && !self.is_variant_tag() => "none (required)".to_string(),
            None => "none".to_string(),
        }
    }
}

/// Every setting, in the order the reference documents them.
pub const FIELDS: &[FieldSpec] = &[
    field(
        "tokio.worker_threads",
        "KVBM_TOKIO_WORKER_THREADS",
        USIZE,
        "Number of async worker threads",
    )
    .constraint("1 ≤ x ≤ CPU count"),
    field(
        "tokio.max_blocking_threads",
        "KVBM_TOKIO_MAX_BLOCKING_THREADS",
        USIZE,
        "Max blocking thread pool size",
    )
    .constraint("≥ 1"),
    field(
        "rayon.num_threads",
        "KVBM_RAYON_NUM_THREADS",
        USIZE,
        "Number of Rayon threads",
    )
    .constraint("≥ 1")
    .example("8"),
    field(
        "nova.backend.tcp_port",
        "KVBM_NOVA_BACKEND_TCP_PORT",
        U16,
        "TCP port (0 = OS-assigned)",
    ),
    field(
        "nova.backend.tcp_addr",
        "KVBM_NOVA_BACKEND_TCP_ADDR",
        Kind::Text,
        "IP address to bind",
    )
    .optional()
    .constraint("valid IP address; not with tcp_interface")
    .example(r#""10.0.0.5""#),
    field(
        "nova.backend.tcp_interface",
        "KVBM_NOVA_BACKEND_TCP_INTERFACE",
        Kind::Text,
        "Network interface name",
    )
    .optional()
    .constraint("not empty; not with tcp_addr")
    .example(r#""eth0""#),
    field(
        "nova.discovery.type",
        "KVBM_NOVA_DISCOVERY_TYPE",
        Kind::Choice(DiscoveryConfig::TYPES),
        "Discovery method",
    )
    .optional(),
    field(
        "nova.discovery.cluster_id",
        "KVBM_NOVA_DISCOVERY_CLUSTER_ID",
        Kind::Text,
        "Cluster name shared by peers",
    )
    .only(ETCD_P2P)
    .constraint("not empty")
    .example(r#""my-cluster""#),
    field(
        "nova.discovery.endpoints",
        "KVBM_NOVA_DISCOVERY_ENDPOINTS",
        Kind::TextList,
        "Etcd endpoints",
    )
    .only(ETCD)
    .constraint("at least one, none empty"),
    field(
        "nova.discovery.ttl_secs",
        "KVBM_NOVA_DISCOVERY_TTL_SECS",
        U64,
        "Etcd lease TTL in seconds",
    )
    .only(ETCD)
    .constraint("10 ≤ x ≤ 600"),
    field(
        "nova.discovery.operation_timeout_secs",
        "KVBM_NOVA_DISCOVERY_OPERATION_TIMEOUT_SECS",
        U64,
        "Etcd operation timeout in seconds",
    )
    .only(ETCD)
    .constraint("≥ 1"),
    field(
        "nova.discovery.max_retries",
        "KVBM_NOVA_DISCOVERY_MAX_RETRIES",
        U32,
        "Etcd operation retries",
    )
    .only(ETCD)
    .constraint("0 ≤ x ≤ 10"),
    field(
        "nova.discovery.bootstrap_peers",
        "KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS",
        Kind::TextList,
        "Peers to contact first (host:port)",
    )
    .only(P2P)
    .constraint("none empty"),
    field(
        "nova.discovery.listen_port",
        "KVBM_NOVA_DISCOVERY_LISTEN_PORT",
        U16,
        "P2P listen port (0 = OS-assigned)",
    )
    .only(P2P),
    field(
        "nova.discovery.replication_factor",
        "KVBM_NOVA_DISCOVERY_REPLICATION_FACTOR",
        USIZE,
        "Peers each record is stored on",
    )
    .only(P2P)
    .constraint("≥ 1"),
    field(
        "nova.discovery.enable_mdns",
        "KVBM_NOVA_DISCOVERY_ENABLE_MDNS",
        Kind::Bool,
        "Also discover peers with mDNS",
    )
    .only(P2P),
    field(
        "nova.discovery.record_ttl_secs",
        "KVBM_NOVA_DISCOVERY_RECORD_TTL_SECS",
        U64,
        "P2P record lifetime in seconds",
    )
    .only(P2P)
    .constraint("≥ 1"),
    field(
        "nova.discovery.path",
        "KVBM_NOVA_DISCOVERY_PATH",
        Kind::Path,
        "Shared discovery file",
    )
    .only(FILESYSTEM)
    .constraint("not empty")
    .example(r#""/tmp/kvbm-discovery/cluster.json""#),
    field(
        "nixl.backends",
        "KVBM_NIXL_BACKENDS",
        Kind::Backends,
        "NixL backends and their parameters (a source gives the complete set)",
    )
    .constraint("names not empty; unique ignoring case"),
    field(
        "cache.parallelism",
        "KVBM_CACHE_PARALLELISM",
        Kind::Choice(CacheParallelism::NAMES),
        "Block layout across ranks",
    ),
    field(
        "cache.host.cache_size_gb",
        "KVBM_CACHE_HOST_SIZE_GB",
        Kind::Float,
        "Host (G2) cache size in GB (10⁹ bytes) per process",
    )
    .optional()
    .constraint("finite, > 0")
    .example("4.0"),
    field(
        "cache.host.num_blocks",
        "KVBM_CACHE_HOST_NUM_BLOCKS",
        USIZE,
        "Host (G2) block count per process (wins over cache_size_gb)",
    )
    .optional()
    .constraint("≥ 1")
    .example("1024"),
    field(
        "cache.disk.cache_size_gb",
        "KVBM_CACHE_DISK_SIZE_GB",
        Kind::Float,
        "Disk (G3) cache size in GB (10⁹ bytes) per process",
    )
    .optional()
    .constraint("finite, > 0")
    .example("100.0"),
    field(
        "cache.disk.num_blocks",
        "KVBM_CACHE_DISK_NUM_BLOCKS",
        USIZE,
        "Disk (G3) block count per process (wins over cache_size_gb)",
    )
    .optional()
    .constraint("≥ 1")
    .example("16384"),
    field(
        "cache.disk.use_gds",
        "KVBM_CACHE_DISK_USE_GDS",
        Kind::Bool,
        "Use GPUDirect Storage",
    ),
    field(
        "cache.disk.storage_path",
        "KVBM_CACHE_DISK_STORAGE_PATH",
        Kind::Path,
        "Directory for cache files",
    )
    .optional()
    .constraint("not empty")
    .example(r#""/mnt/kvbm-cache""#),
    field(
        "offload.g1_to_g2.policies",
        "KVBM_OFFLOAD_G1_TO_G2_POLICIES",
        Kind::ChoiceList(OffloadPolicy::NAMES),
        "G1 → G2 offload policies (all must pass)",
    ),
    field(
        "offload.g2_to_g3.policies",
        "KVBM_OFFLOAD_G2_TO_G3_POLICIES",
        Kind::ChoiceList(OffloadPolicy::NAMES),
        "G2 → G3 offload policies (all must pass)",
    ),
    field(
        "offload.g2_to_g3.presence_lfu.min_lfu_count",
        "KVBM_OFFLOAD_G2_TO_G3_PRESENCE_LFU_MIN_LFU_COUNT",
        U32,
        "Minimum access count for G2 → G3 offload",
    )
    .constraint("≥ 1"),
    field(
        "onboard.mode",
        "KVBM_ONBOARD_MODE",
        Kind::Choice(OnboardMode::NAMES),
        "Onboarding mode",
    ),
    field(
        "object.client.type",
        "KVBM_OBJECT_CLIENT_TYPE",
        Kind::Choice(ObjectClientConfig::TYPES),
        "Object client (G4 tier); unset = no G4",
    )
    .optional(),
    field(
        "object.client.backend",
        "KVBM_OBJECT_CLIENT_BACKEND",
        Kind::Text,
        "NixL object backend",
    )
    .only(NIXL)
    .constraint("not empty"),
    field(
        "object.client.endpoint_url",
        "KVBM_OBJECT_CLIENT_ENDPOINT_URL",
        Kind::Text,
        "S3 endpoint (none = AWS S3)",
    )
    .only(S3_NIXL)
    .optional()
    .constraint("not empty")
    .example(r#""http://minio:9000""#),
    field(
        "object.client.bucket",
        "KVBM_OBJECT_CLIENT_BUCKET",
        Kind::Text,
        "S3 bucket name",
    )
    .only(S3_NIXL)
    .constraint("not empty"),
    field(
        "object.client.region",
        "KVBM_OBJECT_CLIENT_REGION",
        Kind::Text,
        "S3 region",
    )
    .only(S3_NIXL)
    .constraint("not empty"),
    field(
        "object.client.force_path_style",
        "KVBM_OBJECT_CLIENT_FORCE_PATH_STYLE",
        Kind::Bool,
        "Path-style URLs (MinIO)",
    )
    .only(S3_NIXL),
    field(
        "object.client.max_concurrent_requests",
        "KVBM_OBJECT_CLIENT_MAX_CONCURRENT_REQUESTS",
        USIZE,
        "Max concurrent S3 requests",
    )
    .only(S3_NIXL)
    .constraint("≥ 1"),
];

/// Sections that may be absent or set to JSON `null` (unset by a higher layer).
pub const OPTIONAL_SECTIONS: &[&str] = &["nova.discovery", "object"];

/// One-of tables: their key and variant names.
pub const VARIANT_TABLES: &[(&str, &[&str])] = &[
    ("nova.discovery", DiscoveryConfig::TYPES),
    ("object.client", ObjectClientConfig::TYPES),
];

/// What a dotted key names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    /// A setting.
    Leaf(&'static FieldSpec),
    /// A table; the `usize` indexes its children in [`Index::children`].
    Section(usize),
}

pub(crate) struct Index {
    nodes: HashMap<&'static str, Node>,
    children: Vec<Vec<&'static str>>,
    by_env: HashMap<&'static str, &'static FieldSpec>,
}

/// Builds the lookup tables from [`FIELDS`] once per process.
pub(crate) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            nodes: HashMap::new(),
            children: vec![Vec::new()],
            by_env: HashMap::new(),
        };
        index.nodes.insert("", Node::Section(0));
        for spec in FIELDS {
            index.by_env.insert(spec.env, spec);
            let mut parent = 0;
            for (end, _) in spec.key.match_indices('.') {
                parent = index.section(&spec.key[..end], parent);
            }
            let name = spec.key.rsplit('.').next().unwrap_or(spec.key);
            index.children[parent].push(name);
            index.nodes.insert(spec.key, Node::Leaf(spec));
        }
        index
    })
}

impl Index {
    fn section(&mut self, path: &'static str, parent: usize) -> usize {
        if let Some(Node::Section(id)) = self.nodes.get(path) {
            return *id;
        }
        let id = self.children.len();
        self.children.push(Vec::new());
        self.nodes.insert(path, Node::Section(id));
        let name = path.rsplit('.').next().unwrap_or(path);
        self.children[parent].push(name);
        id
    }

    /// What `key` names, if anything.
    pub(crate) fn node(&self, key: &str) -> Option<Node> {
        self.nodes.get(key).copied()
    }

    /// The names allowed inside the section `id`.
    pub(crate) fn children(&self, id: usize) -> &[&'static str] {
        &self.children[id]
    }

    /// The setting a `KVBM_*` variable maps to.
    pub(crate) fn by_env(&self, var: &str) -> Option<&'static FieldSpec> {
        self.by_env.get(var).copied()
    }
}

/// Looks up the setting at `key` (dotted, tagged form).
pub fn field_spec(key: &str) -> Option<&'static FieldSpec> {
    match index().node(key) {
        Some(Node::Leaf(spec)) => Some(spec),
        _ => None,
    }
}

/// The registered key closest to `key`, for "did you mean ...?".
///
/// A near spelling of the whole key wins; failing that, a key of the same section whose
/// last part contains the given one (`cache.host.size` → `cache.host.cache_size_gb`).
pub fn closest_key(key: &str) -> Option<&'static str> {
    if let Some(near) = crate::suggest::closest(key, FIELDS.iter().map(|f| f.key)) {
        return Some(near);
    }
    let (section, leaf) = key.rsplit_once('.')?;
    let leaf = leaf.to_ascii_lowercase();
    FIELDS.iter().map(|f| f.key).find(|candidate| {
        candidate
            .rsplit_once('.')
            .is_some_and(|(s, l)| s == section && !leaf.is_empty() && l.contains(leaf.as_str()))
    })
}

/// The `KVBM_*` variable closest to `var`, for "did you mean ...?".
pub fn closest_env(var: &str) -> Option<&'static str> {
    crate::suggest::closest(var, FIELDS.iter().map(|f| f.env).chain([CONFIG_PATH_ENV]))
}

/// Looks up the setting a `KVBM_*` variable maps to.
pub fn field_for_env(var: &str) -> Option<&'static FieldSpec> {
    index().by_env(var)
}

/// The default value of a setting, from the `Default` impls (for a variant field, from the
/// default of the first variant that has it). `None` when the default is "unset".
pub fn default_value(spec: &FieldSpec) -> Option<Value> {
    match spec.applies_to.first() {
        None if spec.is_variant_tag() => None,
        None => non_empty(
            Value::serialize(crate::KvbmConfig::default())
                .ok()?
                .find(spec.key)?,
        ),
        Some(variant) => default_value_for(spec, variant),
    }
}

/// The default of a field of a one-of table in the given variant.
pub fn default_value_for(spec: &FieldSpec, variant: &str) -> Option<Value> {
    use crate::nova::{EtcdDiscoveryConfig, FilesystemDiscoveryConfig, P2pDiscoveryConfig};
    use crate::object::{NixlObjectClientConfig, S3ClientConfig};
    let root = match variant {
        "etcd" => Value::serialize(EtcdDiscoveryConfig::default()),
        "p2p" => Value::serialize(P2pDiscoveryConfig::default()),
        "filesystem" => Value::serialize(FilesystemDiscoveryConfig::default()),
        "s3" => Value::serialize(S3ClientConfig::default()),
        "nixl" => Value::serialize(NixlObjectClientConfig::default()),
        _ => return None,
    };
    non_empty(root.ok()?.find(spec.key.rsplit('.').next()?)?)
}

/// Required text (a cluster id, a path) defaults to "" only so that serde can fill it in;
/// validation rejects it, so the documented default is "none".
fn non_empty(value: Value) -> Option<Value> {
    let required_text = matches!(&value, Value::String(_, s) if s.is_empty());
    (!required_text).then_some(value)
}

/// Checks that `value` has the type `kind` wants; the error says what was expected and found.
pub(crate) fn check_value(kind: Kind, value: &Value) -> Result<(), String> {
    let ok = match (kind, value) {
        (Kind::Bool, Value::Bool(..)) => true,
        (Kind::Unsigned(width), Value::Num(_, num)) => {
            let max = width.max();
            return match unsigned(num) {
                Some(n) if n <= max as u128 => Ok(()),
                Some(_) => Err(format!("must be at most {max}")),
                None => Err(format!(
                    "expected {}, found {}",
                    integer_range(max),
                    describe(value)
                )),
            };
        }
        (Kind::Float, Value::Num(..)) => true,
        (Kind::Text | Kind::Path, Value::String(..)) => true,
        (Kind::Choice(names), Value::String(_, s)) => return check_choice(names, s),
        (Kind::TextList, Value::Array(_, items)) => {
            return items.iter().try_for_each(|item| match item {
                Value::String(..) => Ok(()),
                other => Err(format!(
                    "expected a list of strings, found an item {}",
                    describe(other)
                )),
            })
        }
        (Kind::ChoiceList(names), Value::Array(_, items)) => {
            return items.iter().try_for_each(|item| match item {
                Value::String(_, s) => check_choice(names, s),
                other => Err(format!(
                    "expected a list of names, found an item {}",
                    describe(other)
                )),
            })
        }
        (Kind::Backends, Value::Dict(_, backends)) => {
            return backends.iter().try_for_each(|(name, params)| match params {
                Value::Dict(_, params) => params.iter().try_for_each(|(param, v)| match v {
                    Value::String(..) => Ok(()),
                    other => Err(format!(
                        "parameter `{param}` of backend `{name}` must be a string, found {}",
                        describe(other)
                    )),
                }),
                other => Err(format!(
                    "backend `{name}` must be a table of parameters, found {}",
                    describe(other)
                )),
            })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {}, found {}",
            expected(kind),
            describe(value)
        ))
    }
}

fn check_choice(names: &[&str], given: &str) -> Result<(), String> {
    if names.contains(&given) {
        return Ok(());
    }
    let mut message = format!(
        "`{given}` is not one of {}",
        crate::variant::quoted_list(names)
    );
    if let Some(near) = crate::suggest::closest(given, names.iter().copied()) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    Err(message)
}

/// The value of a non-negative integer number, whatever its width.
fn unsigned(num: &Num) -> Option<u128> {
    match *num {
        Num::U8(n) => Some(n.into()),
        Num::U16(n) => Some(n.into()),
        Num::U32(n) => Some(n.into()),
        Num::U64(n) => Some(n.into()),
        Num::U128(n) => Some(n),
        Num::USize(n) => Some(n as u128),
        Num::I8(n) => u128::try_from(n).ok(),
        Num::I16(n) => u128::try_from(n).ok(),
        Num::I32(n) => u128::try_from(n).ok(),
        Num::I64(n) => u128::try_from(n).ok(),
        Num::I128(n) => u128::try_from(n).ok(),
        Num::ISize(n) => u128::try_from(n).ok(),
        Num::F32(_) | Num::F64(_) => None,
    }
}

/// "an integer from 0 to 65535", or "a non-negative integer" when the bound is the word size.
fn integer_range(max: u64) -> String {
    if max > u32::MAX as u64 {
        "a non-negative integer".to_string()
    } else {
        format!("an integer from 0 to {max}")
    }
}

fn expected(kind: Kind) -> String {
    match kind {
        Kind::Bool => "a boolean (true or false)".into(),
        Kind::Unsigned(width) => integer_range(width.max()),
        Kind::Float => "a number".into(),
        Kind::Text => "a string".into(),
        Kind::Path => "a path string".into(),
        Kind::TextList => "a list of strings".into(),
        Kind::Choice(names) => format!("one of {}", crate::variant::quoted_list(names)),
        Kind::ChoiceList(names) => format!("a list of {}", crate::variant::quoted_list(names)),
        Kind::Backends => "a table of backends, e.g. { UCX = {}, POSIX = {} }".into(),
    }
}

/// Names the type of a value for an error message (the value itself is printed beside it).
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::String(..) | Value::Char(..) => "a string",
        Value::Bool(..) => "a boolean",
        Value::Num(_, num) if unsigned(num).is_some() || num.to_i128().is_some() => "an integer",
        Value::Num(..) => "a number",
        Value::Empty(..) => "null",
        Value::Dict(..) => "a table",
        Value::Array(..) => "a list",
    }
}

/// Renders a value the way a TOML file would write it, with credentials redacted.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(_, s) => format!("{:?}", crate::secret::redact_urls(s)),
        Value::Char(_, c) => format!("{:?}", c.to_string()),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, num) => render_num(num),
        Value::Empty(..) => "null".into(),
        Value::Array(_, items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Dict(_, dict) if dict.is_empty() => "{}".into(),
        Value::Dict(_, dict) => {
            let entries: Vec<String> = dict
                .iter()
                .map(|(k, v)| match crate::secret::is_secret_name(k) {
                    true => format!("{k} = \"{}\"", crate::secret::REDACTED),
                    false => format!("{k} = {}", render(v)),
                })
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

fn render_num(num: &Num) -> String {
    match *num {
        Num::F32(f) => render_float(f.into()),
        Num::F64(f) => render_float(f),
        other => unsigned(&other)
            .map(|n| n.to_string())
            .or_else(|| other.to_i128().map(|n| n.to_string()))
            .unwrap_or_default(),
    }
}

fn render_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// Parses the text of an environment variable as a value of `kind`.
pub(crate) fn parse_env_value(kind: Kind, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    let value = match kind {
        Kind::Bool => Value::from(parse_bool(text)?),
        Kind::Unsigned(width) => {
            let max = width.max();
            let n: u64 = text
                .parse()
                .map_err(|_| format!("expected {}", integer_range(max)))?;
            if n > max {
                return Err(format!("must be at most {max}"));
            }
            Value::from(n)
        }
        Kind::Float => Value::from(
            text.parse::<f64>()
                .map_err(|_| "expected a number, e.g. 4.0".to_string())?,
        ),
        Kind::Text | Kind::Path => Value::from(text.to_string()),
        Kind::Choice(names) => {
            check_choice(names, text)?;
            Value::from(text.to_string())
        }
        Kind::TextList => Value::from(split_list(text)),
        Kind::ChoiceList(names) => {
            let items = split_list(text);
            items
                .iter()
                .try_for_each(|item| check_choice(names, item))?;
            Value::from(items)
        }
        Kind::Backends => {
            let mut backends = figment::value::Dict::new();
            for name in split_list(text) {
                let upper = name.to_ascii_uppercase();
                if backends.contains_key(&upper) {
                    return Err(format!(
                        "backend `{name}` is given twice; names ignore case"
                    ));
                }
                backends.insert(upper, Value::from(figment::value::Dict::new()));
            }
            Value::from(backends)
        }
    };
    Ok(value)
}

/// Parses `true/false/1/0/yes/no/on/off`, ignoring case.
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("expected a boolean: true/false, 1/0, yes/no or on/off".into()),
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}
