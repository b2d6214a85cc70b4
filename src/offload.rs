//! Offload and onboard settings (`[offload]`, `[onboard]`): how blocks move between tiers.
//!
//! Offload policies of one hop are evaluated in order and combined with AND: a block moves
//! only if every policy lets it pass.

use serde::{Deserialize, Serialize};
use validator::Validate;

/// Offload policies per hop (`[offload]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct OffloadConfig {
    /// GPU → host hop (`[offload.g1_to_g2]`).
    #[validate(nested)]
    pub g1_to_g2: G1ToG2Config,

    /// Host → disk hop (`[offload.g2_to_g3]`).
    #[validate(nested)]
    pub g2_to_g3: G2ToG3Config,
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

/// GPU → host offload (`[offload.g1_to_g2]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct G1ToG2Config {
    /// Policies to apply, in order, all of which must pass.
    ///
    /// Default: `["presence"]` (no duplicate transfer when a sequence is enqueued twice).
    /// Env: `KVBM_OFFLOAD_G1_TO_G2_POLICIES` (comma-separated).
    /// Constraint: each of `pass_all`, `presence`, `presence_lfu`.
    pub policies: Vec<OffloadPolicy>,
}

impl Default for G1ToG2Config {
    fn default() -> Self {
        Self {
            policies: vec![OffloadPolicy::Presence],
        }
    }
}

/// Host → disk offload (`[offload.g2_to_g3]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct G2ToG3Config {
    /// Policies to apply, in order, all of which must pass.
    ///
    /// Default: `["presence_lfu"]` (only hot blocks reach disk).
    /// Env: `KVBM_OFFLOAD_G2_TO_G3_POLICIES` (comma-separated).
    /// Constraint: each of `pass_all`, `presence`, `presence_lfu`.
    pub policies: Vec<OffloadPolicy>,

    /// Settings of the `presence_lfu` policy (`[offload.g2_to_g3.presence_lfu]`).
    #[validate(nested)]
    pub presence_lfu: PresenceLfuConfig,
}

impl Default for G2ToG3Config {
    fn default() -> Self {
        Self {
            policies: vec![OffloadPolicy::PresenceLfu],
            presence_lfu: PresenceLfuConfig::default(),
        }
    }
}

/// Settings of the `presence_lfu` policy.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct PresenceLfuConfig {
    /// Accesses a block needs before it is offloaded.
    ///
    /// Default: `8`. Env: `KVBM_OFFLOAD_G2_TO_G3_PRESENCE_LFU_MIN_LFU_COUNT`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub min_lfu_count: u32,
}

impl Default for PresenceLfuConfig {
    fn default() -> Self {
        Self { min_lfu_count: 8 }
    }
}

/// Onboard settings (`[onboard]`): how blocks come back from G2/G3 to the GPU.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct OnboardConfig {
    /// Onboarding mode.
    ///
    /// Default: `"inter"`. Env: `KVBM_ONBOARD_MODE`. Constraint: `"inter"` or `"intra"`.
    pub mode: OnboardMode,
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
