//! Rayon thread-pool settings (`[rayon]`).
//!
//! Rayon runs KVBM's CPU-bound work (tensor layout changes, compression).

use serde::{Deserialize, Serialize};
use validator::Validate;

/// Settings of the Rayon thread pool (`[rayon]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct RayonConfig {
    /// Number of Rayon worker threads.
    ///
    /// Default: the number of logical CPUs of the machine. Env: `KVBM_RAYON_NUM_THREADS`.
    /// Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub num_threads: usize,
}

impl Default for RayonConfig {
    fn default() -> Self {
        Self {
            num_threads: num_cpus::get(),
        }
    }
}
