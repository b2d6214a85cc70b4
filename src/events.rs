//! Event publishing settings (`[events]`): the pipeline that broadcasts block registration
//! and removal events to distributed consumers (e.g. a hub keeping a radix tree of blocks).
//!
//! The section is upstream's (`kvbm-config` 1.x), with its names, defaults, bounds and
//! variables, so a deployment written for a release loads here with the same meaning.
//! Events are batched before they are published; a batch is flushed when its window ends,
//! when it is full, or when the kind of event changes.

use serde::{Deserialize, Serialize};

crate::declare::settings! {
    /// Settings of event publishing (`[events]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct EventsConfig {
        /// Publish block events.
        ///
        /// When off, no event is emitted and no publisher is started.
        pub enabled: bool = {
            default: false,
        },
        /// Subject the events are published on.
        ///
        /// The messaging subject (topic) consumers subscribe to.
        pub subject: String = {
            default: "kvbm.events".to_string(),
        },
        /// Events buffered before slow subscribers lag.
        ///
        /// The capacity of the broadcast channel of the events manager.
        pub channel_capacity: usize = {
            default: 1024,
            check: [range(16, 65536)],
        },
        /// Which blocks emit events.
        pub policy: EventPolicyConfig = {
            default: EventPolicyConfig::PowerOfTwo,
        },
        /// Batching of the event pipeline (`[events.batching]`).
        pub batching: EventsBatchingConfig = section,
    }
}

crate::declare::choice! {
    /// Which blocks emit events (`events.policy`).
    #[derive(Default)]
    pub enum EventPolicyConfig {
        /// Only blocks at power-of-two positions (16, 32, 64, …): a sparse sample that is
        /// enough to build a radix tree.
        #[default]
        PowerOfTwo = "power_of_two",
        /// Every block (for tests, or when every block must be tracked).
        All = "all",
    }
}

crate::declare::settings! {
    /// Batching of the event pipeline (`[events.batching]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct EventsBatchingConfig {
        /// Longest wait before a batch is flushed, in milliseconds.
        pub window_duration_ms: u64 = {
            default: 10,
            check: [range(1, 10000)],
        },
        /// Most events in one batch.
        pub max_batch_size: usize = {
            default: 1024,
            check: [range(1, 65536)],
        },
    }
}
