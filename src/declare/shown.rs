// Generated from the declarations by `BLESS=1 cargo test --all-features`
// (kvbm_config::docs::rustdoc_facts); do not edit by hand.

/// A declared field's default as TOML writes it.
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

/// A declared field's `KVBM_*` variable.
macro_rules! shown_env {
    (TokioConfig worker_threads) => {
        "`KVBM_TOKIO_WORKER_THREADS`"
    };
    (TokioConfig max_blocking_threads) => {
        "`KVBM_TOKIO_MAX_BLOCKING_THREADS`"
    };
    (RayonConfig num_threads) => {
        "`KVBM_RAYON_NUM_THREADS`"
    };
    (NovaBackendConfig tcp_port) => {
        "`KVBM_NOVA_BACKEND_TCP_PORT`"
    };
    (NovaBackendConfig tcp_addr) => {
        "`KVBM_NOVA_BACKEND_TCP_ADDR`"
    };
    (NovaBackendConfig tcp_interface) => {
        "`KVBM_NOVA_BACKEND_TCP_INTERFACE`"
    };
    (EtcdDiscoveryConfig cluster_id) => {
        "`KVBM_NOVA_DISCOVERY_CLUSTER_ID`"
    };
    (EtcdDiscoveryConfig endpoints) => {
        "`KVBM_NOVA_DISCOVERY_ENDPOINTS`"
    };
    (EtcdDiscoveryConfig ttl_secs) => {
        "`KVBM_NOVA_DISCOVERY_TTL_SECS`"
    };
    (EtcdDiscoveryConfig operation_timeout_secs) => {
        "`KVBM_NOVA_DISCOVERY_OPERATION_TIMEOUT_SECS`"
    };
    (EtcdDiscoveryConfig max_retries) => {
        "`KVBM_NOVA_DISCOVERY_MAX_RETRIES`"
    };
    (P2pDiscoveryConfig bootstrap_peers) => {
        "`KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS`"
    };
    (P2pDiscoveryConfig listen_port) => {
        "`KVBM_NOVA_DISCOVERY_LISTEN_PORT`"
    };
    (P2pDiscoveryConfig replication_factor) => {
        "`KVBM_NOVA_DISCOVERY_REPLICATION_FACTOR`"
    };
    (P2pDiscoveryConfig enable_mdns) => {
        "`KVBM_NOVA_DISCOVERY_ENABLE_MDNS`"
    };
    (P2pDiscoveryConfig record_ttl_secs) => {
        "`KVBM_NOVA_DISCOVERY_RECORD_TTL_SECS`"
    };
    (FilesystemDiscoveryConfig path) => {
        "`KVBM_NOVA_DISCOVERY_PATH`"
    };
    (NixlConfig backends) => {
        "`KVBM_NIXL_BACKENDS`"
    };
    (CacheConfig parallelism) => {
        "`KVBM_CACHE_PARALLELISM`"
    };
    (HostCacheConfig cache_size_gb) => {
        "`KVBM_CACHE_HOST_SIZE_GB`"
    };
    (HostCacheConfig num_blocks) => {
        "`KVBM_CACHE_HOST_NUM_BLOCKS`"
    };
    (DiskCacheConfig cache_size_gb) => {
        "`KVBM_CACHE_DISK_SIZE_GB`"
    };
    (DiskCacheConfig num_blocks) => {
        "`KVBM_CACHE_DISK_NUM_BLOCKS`"
    };
    (DiskCacheConfig use_gds) => {
        "`KVBM_CACHE_DISK_USE_GDS`"
    };
    (DiskCacheConfig storage_path) => {
        "`KVBM_CACHE_DISK_STORAGE_PATH`"
    };
    (TierOffloadConfig policies) => {
        "`KVBM_OFFLOAD_G1_TO_G2_POLICIES` at `offload.g1_to_g2.policies`; `KVBM_OFFLOAD_G2_TO_G3_POLICIES` at `offload.g2_to_g3.policies`"
    };
    (PresenceLfuConfig min_lfu_count) => {
        "`KVBM_OFFLOAD_G1_TO_G2_PRESENCE_LFU_MIN_LFU_COUNT` at `offload.g1_to_g2.presence_lfu.min_lfu_count`; `KVBM_OFFLOAD_G2_TO_G3_PRESENCE_LFU_MIN_LFU_COUNT` at `offload.g2_to_g3.presence_lfu.min_lfu_count`"
    };
    (OnboardConfig mode) => {
        "`KVBM_ONBOARD_MODE`"
    };
    (S3ClientConfig endpoint_url) => {
        "`KVBM_OBJECT_CLIENT_ENDPOINT_URL`"
    };
    (S3ClientConfig bucket) => {
        "`KVBM_OBJECT_CLIENT_BUCKET`"
    };
    (S3ClientConfig region) => {
        "`KVBM_OBJECT_CLIENT_REGION`"
    };
    (S3ClientConfig force_path_style) => {
        "`KVBM_OBJECT_CLIENT_FORCE_PATH_STYLE`"
    };
    (S3ClientConfig max_concurrent_requests) => {
        "`KVBM_OBJECT_CLIENT_MAX_CONCURRENT_REQUESTS`"
    };
    (NixlObjectClientConfig backend) => {
        "`KVBM_OBJECT_CLIENT_BACKEND`"
    };
    (EventsConfig enabled) => {
        "`KVBM_EVENTS_ENABLED`"
    };
    (EventsConfig subject) => {
        "`KVBM_EVENTS_SUBJECT`"
    };
    (EventsConfig channel_capacity) => {
        "`KVBM_EVENTS_CHANNEL_CAPACITY`"
    };
    (EventsConfig policy) => {
        "`KVBM_EVENTS_POLICY`"
    };
    (EventsBatchingConfig window_duration_ms) => {
        "`KVBM_EVENTS_BATCHING_WINDOW_DURATION_MS`"
    };
    (EventsBatchingConfig max_batch_size) => {
        "`KVBM_EVENTS_BATCHING_MAX_BATCH_SIZE`"
    };
    ($owner:ident $field:ident) => {
        "(not generated yet: run `BLESS=1 cargo test --all-features`)"
    };
}

/// A declared field's rules in words, as a paragraph; empty without rules.
macro_rules! shown_constraint {
    (TokioConfig worker_threads) => {
        "\n\nConstraint: ≥ 1."
    };
    (TokioConfig max_blocking_threads) => {
        "\n\nConstraint: ≥ 1."
    };
    (RayonConfig num_threads) => {
        "\n\nConstraint: ≥ 1."
    };
    (NovaBackendConfig tcp_port) => {
        ""
    };
    (NovaBackendConfig tcp_addr) => {
        "\n\nConstraint: valid IP address; not with tcp_interface."
    };
    (NovaBackendConfig tcp_interface) => {
        "\n\nConstraint: not empty; not with tcp_addr."
    };
    (EtcdDiscoveryConfig cluster_id) => {
        "\n\nConstraint: not empty."
    };
    (EtcdDiscoveryConfig endpoints) => {
        "\n\nConstraint: at least one, none empty; each host:port or http(s)://host:port."
    };
    (EtcdDiscoveryConfig ttl_secs) => {
        "\n\nConstraint: 10 ≤ x ≤ 600."
    };
    (EtcdDiscoveryConfig operation_timeout_secs) => {
        "\n\nConstraint: ≥ 1."
    };
    (EtcdDiscoveryConfig max_retries) => {
        "\n\nConstraint: 0 ≤ x ≤ 10."
    };
    (P2pDiscoveryConfig bootstrap_peers) => {
        "\n\nConstraint: none empty; each host:port."
    };
    (P2pDiscoveryConfig listen_port) => {
        ""
    };
    (P2pDiscoveryConfig replication_factor) => {
        "\n\nConstraint: ≥ 1."
    };
    (P2pDiscoveryConfig enable_mdns) => {
        ""
    };
    (P2pDiscoveryConfig record_ttl_secs) => {
        "\n\nConstraint: ≥ 1."
    };
    (FilesystemDiscoveryConfig path) => {
        "\n\nConstraint: not empty."
    };
    (NixlConfig backends) => {
        "\n\nConstraint: names not empty; unique ignoring case."
    };
    (CacheConfig parallelism) => {
        ""
    };
    (HostCacheConfig cache_size_gb) => {
        "\n\nConstraint: finite, > 0."
    };
    (HostCacheConfig num_blocks) => {
        "\n\nConstraint: ≥ 1."
    };
    (DiskCacheConfig cache_size_gb) => {
        "\n\nConstraint: finite, > 0."
    };
    (DiskCacheConfig num_blocks) => {
        "\n\nConstraint: ≥ 1."
    };
    (DiskCacheConfig use_gds) => {
        ""
    };
    (DiskCacheConfig storage_path) => {
        "\n\nConstraint: not empty."
    };
    (TierOffloadConfig policies) => {
        ""
    };
    (PresenceLfuConfig min_lfu_count) => {
        "\n\nConstraint: ≥ 1."
    };
    (OnboardConfig mode) => {
        ""
    };
    (S3ClientConfig endpoint_url) => {
        "\n\nConstraint: a URL with a scheme and a host."
    };
    (S3ClientConfig bucket) => {
        "\n\nConstraint: not empty."
    };
    (S3ClientConfig region) => {
        "\n\nConstraint: not empty."
    };
    (S3ClientConfig force_path_style) => {
        ""
    };
    (S3ClientConfig max_concurrent_requests) => {
        "\n\nConstraint: ≥ 1."
    };
    (NixlObjectClientConfig backend) => {
        ""
    };
    (EventsConfig enabled) => {
        ""
    };
    (EventsConfig subject) => {
        ""
    };
    (EventsConfig channel_capacity) => {
        "\n\nConstraint: 16 ≤ x ≤ 65536."
    };
    (EventsConfig policy) => {
        ""
    };
    (EventsBatchingConfig window_duration_ms) => {
        "\n\nConstraint: 1 ≤ x ≤ 10000."
    };
    (EventsBatchingConfig max_batch_size) => {
        "\n\nConstraint: 1 ≤ x ≤ 65536."
    };
    ($owner:ident $field:ident) => {
        "(not generated yet: run `BLESS=1 cargo test --all-features`)"
    };
}

pub(crate) use {shown_constraint, shown_default, shown_env};
