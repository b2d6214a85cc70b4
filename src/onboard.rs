//! Onboard settings (`[onboard]`): how blocks come back from G2/G3 to the GPU.

use serde::{Deserialize, Serialize};

crate::declare::settings! {
    /// Onboard settings (`[onboard]`): how blocks come back from G2/G3 to the GPU.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct OnboardConfig {
        /// Onboarding mode.
        pub mode: OnboardMode = {
            default: OnboardMode::Inter,
        },
    }
}

crate::declare::choice! {
    /// Onboarding mode (`onboard.mode`).
    #[derive(Default)]
    pub enum OnboardMode {
        /// Onboard between forward passes.
        #[default]
        Inter = "inter",
        /// Onboard layer by layer within a forward pass.
        Intra = "intra",
    }
}
