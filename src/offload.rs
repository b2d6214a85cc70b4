//! Offload settings (`[offload]`): which blocks move down the tiers, hop by hop.
//!
//! Offload policies of one hop are evaluated in order and combined with AND: a block moves
//! only if every policy lets it pass.

use figment::value::Dict;
use serde::{Deserialize, Deserializer, Serialize};

use crate::declare::{Absent, Kind, SettingType, View};

crate::declare::settings! {
    /// Offload policies per hop (`[offload]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct OffloadConfig {
        /// GPU → host hop (`[offload.g1_to_g2]`).
        #[serde(deserialize_with = "g1_to_g2_over_default")]
        pub g1_to_g2: TierOffloadConfig = { section: TierOffloadConfig::g1_to_g2() },
        /// Host → disk hop (`[offload.g2_to_g3]`).
        #[serde(deserialize_with = "g2_to_g3_over_default")]
        pub g2_to_g3: TierOffloadConfig = { section: TierOffloadConfig::g2_to_g3() },
    }
}

crate::declare::choice! {
    /// An offload filter (`"pass_all"`, `"presence"`, `"presence_lfu"`).
    pub enum OffloadPolicy {
        /// No filtering: every block passes.
        PassAll = "pass_all",
        /// Skip blocks already present in the destination tier.
        Presence = "presence",
        /// Presence check plus a minimum access count (`presence_lfu.min_lfu_count`).
        PresenceLfu = "presence_lfu",
    }
}

impl SettingType for Vec<OffloadPolicy> {
    const KIND: Kind = Kind::ChoiceList(OffloadPolicy::NAMES);
    fn view(&self) -> View<'_> {
        View::Opaque
    }
}

impl Absent for Vec<OffloadPolicy> {}

crate::declare::settings! {
    /// The offload settings of one hop (`[offload.g1_to_g2]`, `[offload.g2_to_g3]`): one type
    /// for both, so one policy factory serves every hop.
    ///
    /// Each hop has its own default ([`TierOffloadConfig::g1_to_g2`],
    /// [`TierOffloadConfig::g2_to_g3`]); a source that sets some of a hop's settings keeps
    /// that hop's defaults for the others. `Default` is the empty policy list.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[cfg_attr(feature = "schema", schemars(inline))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct TierOffloadConfig {
        /// Offload policies of the hop (all must pass).
        ///
        /// Why the hops differ (see below): `presence` on G1 → G2 avoids a second transfer when
        /// a sequence is enqueued twice; `presence_lfu` on G2 → G3 lets only hot blocks reach
        /// disk.
        pub policies: Vec<OffloadPolicy> = {
            default: Vec::new(),
        },
        /// Settings of the `presence` policy (`[offload.<hop>.presence]`); it has none.
        pub presence: PresenceConfig = section,
        /// Settings of the `presence_lfu` policy (`[offload.<hop>.presence_lfu]`).
        pub presence_lfu: PresenceLfuConfig = section,
    }
}

impl TierOffloadConfig {
    /// The G1 → G2 hop as `KvbmConfig::default()` has it (its `policies` default).
    pub fn g1_to_g2() -> Self {
        TierOffloadConfig {
            policies: vec![OffloadPolicy::Presence],
            ..TierOffloadConfig::default()
        }
    }

    /// The G2 → G3 hop as `KvbmConfig::default()` has it (its `policies` default).
    pub fn g2_to_g3() -> Self {
        TierOffloadConfig {
            policies: vec![OffloadPolicy::PresenceLfu],
            ..TierOffloadConfig::default()
        }
    }
}

crate::declare::settings! {
    /// Settings of the `presence` policy: none, but the table is accepted (`presence = {}`),
    /// as dynamo-kvbm-config writes it.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct PresenceConfig {}
}

fn g1_to_g2_over_default<'de, D: Deserializer<'de>>(d: D) -> Result<TierOffloadConfig, D::Error> {
    over_hop_default(TierOffloadConfig::g1_to_g2(), d)
}

fn g2_to_g3_over_default<'de, D: Deserializer<'de>>(d: D) -> Result<TierOffloadConfig, D::Error> {
    over_hop_default(TierOffloadConfig::g2_to_g3(), d)
}

/// Deserializes a hop so that a source that leaves out `policies` keeps the hop's default
/// policies (serde alone would take `TierOffloadConfig::default()`'s). The hops' defaults
/// differ only in their policies; a test keeps that true.
fn over_hop_default<'de, D: Deserializer<'de>>(
    hop_default: TierOffloadConfig,
    deserializer: D,
) -> Result<TierOffloadConfig, D::Error> {
    use serde::de::Error;
    // Read as a table, not a figment `Value`, whose visitor copies every key once more.
    let given = <Dict as Deserialize>::deserialize(deserializer)?;
    let sets_policies = given.contains_key("policies");
    let mut tier: TierOffloadConfig = crate::registry::value::table_value(given)
        .deserialize()
        .map_err(D::Error::custom)?;
    if !sets_policies {
        tier.policies = hop_default.policies;
    }
    Ok(tier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hop_defaults_differ_only_in_their_policies() {
        for hop in [TierOffloadConfig::g1_to_g2(), TierOffloadConfig::g2_to_g3()] {
            let without_policies = TierOffloadConfig {
                policies: Vec::new(),
                ..hop
            };
            assert_eq!(without_policies, TierOffloadConfig::default());
        }
    }
}

crate::declare::settings! {
    /// Settings of the `presence_lfu` policy.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct PresenceLfuConfig {
        /// Minimum access count before a block is offloaded.
        ///
        /// Accesses a block needs before the `presence_lfu` policy lets it through.
        pub min_lfu_count: u32 = {
            default: 8,
            check: [min(1)],
        },
    }
}

/// The onboard section, declared in [`crate::onboard`]; here too for upstream's paths.
#[doc(no_inline)]
pub use crate::onboard::{OnboardConfig, OnboardMode};
