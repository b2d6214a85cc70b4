// Generated from the declarations by `BLESS=1 cargo test --all-features`
// (kvbm_config::docs::rustdoc_defaults); do not edit by hand.

/// A declared field's default as TOML writes it, for the field's rustdoc.
macro_rules! shown_default {
    (TokioConfig worker_threads) => {
        "`1`"
    };
    (TokioConfig max_blocking_threads) => {
        "`512`"
    };
    (RayonConfig num_threads) => {
        "CPU count"
    };
    (NovaBackendConfig tcp_port) => {
        "`0`"
    };
    (NovaBackendConfig tcp_addr) => {
        "none"
    };
    (NovaBackendConfig tcp_interface) => {
        "none"
    };
    (EtcdDiscoveryConfig cluster_id) => {
        "none (required)"
    };
    (EtcdDiscoveryConfig endpoints) => {
        "`[\"http://localhost:2379\"]`"
    };
    (EtcdDiscoveryConfig ttl_secs) => {
        "`60`"
    };
    (EtcdDiscoveryConfig operation_timeout_secs) => {
        "`30`"
    };
    (EtcdDiscoveryConfig max_retries) => {
        "`3`"
    };
    (P2pDiscoveryConfig bootstrap_peers) => {
        "`[]`"
    };
    (P2pDiscoveryConfig listen_port) => {
        "`0`"
    };
    (P2pDiscoveryConfig replication_factor) => {
        "`3`"
    };
    (P2pDiscoveryConfig enable_mdns) => {
        "`false`"
    };
    (P2pDiscoveryConfig record_ttl_secs) => {
        "`600`"
    };
    (FilesystemDiscoveryConfig path) => {
        "none (required)"
    };
    (NixlConfig backends) => {
        "`{ POSIX = {}, UCX = {} }`"
    };
    (CacheConfig parallelism) => {
        "`\"tensor_parallel\"`"
    };
    (HostCacheConfig cache_size_gb) => {
        "none"
    };
    (HostCacheConfig num_blocks) => {
        "none"
    };
    (DiskCacheConfig cache_size_gb) => {
        "none"
    };
    (DiskCacheConfig num_blocks) => {
        "none"
    };
    (DiskCacheConfig use_gds) => {
        "`false`"
    };
    (DiskCacheConfig storage_path) => {
        "none"
    };
    (TierOffloadConfig policies) => {
        "`[\"presence\"]` at `offload.g1_to_g2.policies`; `[\"presence_lfu\"]` at `offload.g2_to_g3.policies`"
    };
    (PresenceLfuConfig min_lfu_count) => {
        "`8`"
    };
    (OnboardConfig mode) => {
        "`\"inter\"`"
    };
    (S3ClientConfig endpoint_url) => {
        "none"
    };
    (S3ClientConfig bucket) => {
        "`\"kvbm-blocks\"`"
    };
    (S3ClientConfig region) => {
        "`\"us-east-1\"`"
    };
    (S3ClientConfig force_path_style) => {
        "`false`"
    };
    (S3ClientConfig max_concurrent_requests) => {
        "`16`"
    };
    (NixlObjectClientConfig backend) => {
        "`\"s3\"`"
    };
    (EventsConfig enabled) => {
        "`false`"
    };
    (EventsConfig subject) => {
        "`\"kvbm.events\"`"
    };
    (EventsConfig channel_capacity) => {
        "`1024`"
    };
    (EventsConfig policy) => {
        "`\"power_of_two\"`"
    };
    (EventsBatchingConfig window_duration_ms) => {
        "`10`"
    };
    (EventsBatchingConfig max_batch_size) => {
        "`1024`"
    };
    ($owner:ident $field:ident) => {
        "(not generated yet: run `BLESS=1 cargo test --all-features`)"
    };
}

pub(crate) use shown_default;
