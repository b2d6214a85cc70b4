//! Offload and onboard settings (`[offload]`, `[onboard]`): how blocks move between tiers.
//!
//! Offload policies of one hop are evaluated in order and combined with AND: a block moves
//! only if every policy lets it pass.

use serde::{Deserialize, Serialize};

use crate::settings::{Absent, Kind, SettingType, View};

crate::settings::settings! {
    /// Offload policies per hop (`[offload]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct OffloadConfig {
        /// GPU → host hop (`[offload.g1_to_g2]`).
        pub g1_to_g2: G1ToG2Config = section,
        /// Host → disk hop (`[offload.g2_to_g3]`).
        pub g2_to_g3: G2ToG3Config = section,
    }
}

/// An offload filter (`"pass_all"`, `"presence"`, `"presence_lfu"`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffloadPolicy {
    /// No filtering: every block passes.
    PassAll,
    /// Skip blocks already present in the destination tier.
    Presence,
    /// Presence check plus a minimum access count (`presence_lfu.min_lfu_count`).
    PresenceLfu,
}

impl OffloadPolicy {
    /// The accepted names.
    pub const NAMES: &'static [&'static str] = &["pass_all", "presence", "presence_lfu"];
}

impl SettingType for Vec<OffloadPolicy> {
    const KIND: Kind = Kind::ChoiceList(OffloadPolicy::NAMES);
    fn view(&self) -> View<'_> {
        View::Opaque
    }
}

impl Absent for Vec<OffloadPolicy> {}

crate::settings::settings! {
    /// GPU → host offload (`[offload.g1_to_g2]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct G1ToG2Config {
        /// G1 → G2 offload policies (all must pass).
        ///
        /// The default, `presence`, avoids a second transfer when a sequence is enqueued twice.
        pub policies: Vec<OffloadPolicy> = {
            default: vec![OffloadPolicy::Presence],
            env: "KVBM_OFFLOAD_G1_TO_G2_POLICIES",
        },
    }
}

crate::settings::settings! {
    /// Host → disk offload (`[offload.g2_to_g3]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct G2ToG3Config {
        /// G2 → G3 offload policies (all must pass).
        ///
        /// The default, `presence_lfu`, lets only hot blocks reach disk.
        pub policies: Vec<OffloadPolicy> = {
            default: vec![OffloadPolicy::PresenceLfu],
            env: "KVBM_OFFLOAD_G2_TO_G3_POLICIES",
        },
        /// Settings of the `presence_lfu` policy (`[offload.g2_to_g3.presence_lfu]`).
        pub presence_lfu: PresenceLfuConfig = section,
    }
}

crate::settings::settings! {
    /// Settings of the `presence_lfu` policy.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct PresenceLfuConfig {
        /// Minimum access count for G2 → G3 offload.
        ///
        /// Accesses a block needs before it is offloaded.
        pub min_lfu_count: u32 = {
            default: 8,
            env: "KVBM_OFFLOAD_G2_TO_G3_PRESENCE_LFU_MIN_LFU_COUNT",
            check: [min(1)],
        },
    }
}

crate::settings::settings! {
    /// Onboard settings (`[onboard]`): how blocks come back from G2/G3 to the GPU.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct OnboardConfig {
        /// Onboarding mode.
        pub mode: OnboardMode = {
            default: OnboardMode::Inter,
            env: "KVBM_ONBOARD_MODE",
        },
    }
}

/// Onboarding mode (`onboard.mode`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnboardMode {
    /// Onboard between forward passes.
    #[default]
    Inter,
    /// Onboard layer by layer within a forward pass.
    Intra,
}

impl OnboardMode {
    /// The accepted names.
    pub const NAMES: &'static [&'static str] = &["inter", "intra"];
}

impl SettingType for OnboardMode {
    const KIND: Kind = Kind::Choice(Self::NAMES);
    fn view(&self) -> View<'_> {
        View::Opaque
    }
}

impl Absent for OnboardMode {}
