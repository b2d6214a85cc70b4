//! Every setting's dotted key as a constant, one module per table: code names a setting
//! as `key::cache::host::CACHE_SIZE_GB`, never as a string, so a renamed or removed
//! setting fails to compile where it is used. Each table's own key is its module's `TABLE`.
//!
//! Generated from the declarations by `BLESS=1 cargo test --all-features`
//! (`docs::key_constants`); do not edit by hand.

/// The keys of `[tokio]`.
pub mod tokio {
    /// `tokio`, the table itself.
    pub const TABLE: &str = "tokio";

    /// `tokio.worker_threads`: Number of async worker threads.
    pub const WORKER_THREADS: &str = "tokio.worker_threads";

    /// `tokio.max_blocking_threads`: Max blocking thread pool size.
    pub const MAX_BLOCKING_THREADS: &str = "tokio.max_blocking_threads";
}

/// The keys of `[rayon]`.
pub mod rayon {
    /// `rayon`, the table itself.
    pub const TABLE: &str = "rayon";

    /// `rayon.num_threads`: Number of Rayon threads.
    pub const NUM_THREADS: &str = "rayon.num_threads";
}

/// The keys of `[nova]`.
pub mod nova {
    /// `nova`, the table itself.
    pub const TABLE: &str = "nova";

    /// The keys of `[nova.backend]`.
    pub mod backend {
        /// `nova.backend`, the table itself.
        pub const TABLE: &str = "nova.backend";

        /// `nova.backend.tcp_port`: TCP port (0 = OS-assigned).
        pub const TCP_PORT: &str = "nova.backend.tcp_port";

        /// `nova.backend.tcp_addr`: IP address to bind.
        pub const TCP_ADDR: &str = "nova.backend.tcp_addr";

        /// `nova.backend.tcp_interface`: Network interface name.
        pub const TCP_INTERFACE: &str = "nova.backend.tcp_interface";
    }

    /// The keys of `[nova.discovery]`.
    pub mod discovery {
        /// `nova.discovery`, the table itself.
        pub const TABLE: &str = "nova.discovery";

        /// `nova.discovery.type`: Discovery method.
        pub const TYPE: &str = "nova.discovery.type";

        /// `nova.discovery.cluster_id`: Cluster name shared by peers.
        pub const CLUSTER_ID: &str = "nova.discovery.cluster_id";

        /// `nova.discovery.endpoints`: Etcd endpoints.
        pub const ENDPOINTS: &str = "nova.discovery.endpoints";

        /// `nova.discovery.ttl_secs`: Etcd lease TTL in seconds.
        pub const TTL_SECS: &str = "nova.discovery.ttl_secs";

        /// `nova.discovery.operation_timeout_secs`: Etcd operation timeout in seconds.
        pub const OPERATION_TIMEOUT_SECS: &str = "nova.discovery.operation_timeout_secs";

        /// `nova.discovery.max_retries`: Etcd operation retries.
        pub const MAX_RETRIES: &str = "nova.discovery.max_retries";

        /// `nova.discovery.bootstrap_peers`: Peers to contact first (host:port).
        pub const BOOTSTRAP_PEERS: &str = "nova.discovery.bootstrap_peers";

        /// `nova.discovery.listen_port`: P2P listen port (0 = OS-assigned).
        pub const LISTEN_PORT: &str = "nova.discovery.listen_port";

        /// `nova.discovery.replication_factor`: Peers each record is stored on.
        pub const REPLICATION_FACTOR: &str = "nova.discovery.replication_factor";

        /// `nova.discovery.enable_mdns`: Also discover peers with mDNS.
        pub const ENABLE_MDNS: &str = "nova.discovery.enable_mdns";

        /// `nova.discovery.record_ttl_secs`: P2P record lifetime in seconds.
        pub const RECORD_TTL_SECS: &str = "nova.discovery.record_ttl_secs";

        /// `nova.discovery.path`: Shared discovery file.
        pub const PATH: &str = "nova.discovery.path";
    }
}

/// The keys of `[nixl]`.
pub mod nixl {
    /// `nixl`, the table itself.
    pub const TABLE: &str = "nixl";

    /// `nixl.backends`: NixL backends and their parameters (a source gives the complete set).
    pub const BACKENDS: &str = "nixl.backends";
}

/// The keys of `[cache]`.
pub mod cache {
    /// `cache`, the table itself.
    pub const TABLE: &str = "cache";

    /// `cache.parallelism`: Block layout across ranks.
    pub const PARALLELISM: &str = "cache.parallelism";

    /// The keys of `[cache.host]`.
    pub mod host {
        /// `cache.host`, the table itself.
        pub const TABLE: &str = "cache.host";

        /// `cache.host.cache_size_gb`: Host (G2) cache size in GB (10⁹ bytes) per process.
        pub const CACHE_SIZE_GB: &str = "cache.host.cache_size_gb";

        /// `cache.host.num_blocks`: Host (G2) block count per process (wins over cache_size_gb).
        pub const NUM_BLOCKS: &str = "cache.host.num_blocks";
    }

    /// The keys of `[cache.disk]`.
    pub mod disk {
        /// `cache.disk`, the table itself.
        pub const TABLE: &str = "cache.disk";

        /// `cache.disk.cache_size_gb`: Disk (G3) cache size in GB (10⁹ bytes) per process.
        pub const CACHE_SIZE_GB: &str = "cache.disk.cache_size_gb";

        /// `cache.disk.num_blocks`: Disk (G3) block count per process (wins over cache_size_gb).
        pub const NUM_BLOCKS: &str = "cache.disk.num_blocks";

        /// `cache.disk.use_gds`: Use GPUDirect Storage.
        pub const USE_GDS: &str = "cache.disk.use_gds";

        /// `cache.disk.storage_path`: Directory for cache files.
        pub const STORAGE_PATH: &str = "cache.disk.storage_path";
    }
}

/// The keys of `[offload]`.
pub mod offload {
    /// `offload`, the table itself.
    pub const TABLE: &str = "offload";

    /// The keys of `[offload.g1_to_g2]`.
    pub mod g1_to_g2 {
        /// `offload.g1_to_g2`, the table itself.
        pub const TABLE: &str = "offload.g1_to_g2";

        /// `offload.g1_to_g2.policies`: Offload policies of the hop (all must pass).
        pub const POLICIES: &str = "offload.g1_to_g2.policies";

        /// The keys of `[offload.g1_to_g2.presence_lfu]`.
        pub mod presence_lfu {
            /// `offload.g1_to_g2.presence_lfu`, the table itself.
            pub const TABLE: &str = "offload.g1_to_g2.presence_lfu";

            /// `offload.g1_to_g2.presence_lfu.min_lfu_count`: Minimum access count before a block is offloaded.
            pub const MIN_LFU_COUNT: &str = "offload.g1_to_g2.presence_lfu.min_lfu_count";
        }
    }

    /// The keys of `[offload.g2_to_g3]`.
    pub mod g2_to_g3 {
        /// `offload.g2_to_g3`, the table itself.
        pub const TABLE: &str = "offload.g2_to_g3";

        /// `offload.g2_to_g3.policies`: Offload policies of the hop (all must pass).
        pub const POLICIES: &str = "offload.g2_to_g3.policies";

        /// The keys of `[offload.g2_to_g3.presence_lfu]`.
        pub mod presence_lfu {
            /// `offload.g2_to_g3.presence_lfu`, the table itself.
            pub const TABLE: &str = "offload.g2_to_g3.presence_lfu";

            /// `offload.g2_to_g3.presence_lfu.min_lfu_count`: Minimum access count before a block is offloaded.
            pub const MIN_LFU_COUNT: &str = "offload.g2_to_g3.presence_lfu.min_lfu_count";
        }
    }
}

/// The keys of `[onboard]`.
pub mod onboard {
    /// `onboard`, the table itself.
    pub const TABLE: &str = "onboard";

    /// `onboard.mode`: Onboarding mode.
    pub const MODE: &str = "onboard.mode";
}

/// The keys of `[object]`.
pub mod object {
    /// `object`, the table itself.
    pub const TABLE: &str = "object";

    /// The keys of `[object.client]`.
    pub mod client {
        /// `object.client`, the table itself.
        pub const TABLE: &str = "object.client";

        /// `object.client.type`: Object client (G4 tier); unset = no G4.
        pub const TYPE: &str = "object.client.type";

        /// `object.client.endpoint_url`: S3 endpoint (none = AWS S3).
        pub const ENDPOINT_URL: &str = "object.client.endpoint_url";

        /// `object.client.bucket`: S3 bucket name.
        pub const BUCKET: &str = "object.client.bucket";

        /// `object.client.region`: S3 region.
        pub const REGION: &str = "object.client.region";

        /// `object.client.force_path_style`: Path-style URLs (MinIO).
        pub const FORCE_PATH_STYLE: &str = "object.client.force_path_style";

        /// `object.client.max_concurrent_requests`: Max concurrent S3 requests.
        pub const MAX_CONCURRENT_REQUESTS: &str = "object.client.max_concurrent_requests";

        /// `object.client.backend`: NixL object backend.
        pub const BACKEND: &str = "object.client.backend";
    }
}

/// The keys of `[events]`.
pub mod events {
    /// `events`, the table itself.
    pub const TABLE: &str = "events";

    /// `events.enabled`: Publish block events.
    pub const ENABLED: &str = "events.enabled";

    /// `events.subject`: Subject the events are published on.
    pub const SUBJECT: &str = "events.subject";

    /// `events.channel_capacity`: Events buffered before slow subscribers lag.
    pub const CHANNEL_CAPACITY: &str = "events.channel_capacity";

    /// `events.policy`: Which blocks emit events.
    pub const POLICY: &str = "events.policy";

    /// The keys of `[events.batching]`.
    pub mod batching {
        /// `events.batching`, the table itself.
        pub const TABLE: &str = "events.batching";

        /// `events.batching.window_duration_ms`: Longest wait before a batch is flushed, in milliseconds.
        pub const WINDOW_DURATION_MS: &str = "events.batching.window_duration_ms";

        /// `events.batching.max_batch_size`: Most events in one batch.
        pub const MAX_BATCH_SIZE: &str = "events.batching.max_batch_size";
    }
}
