//! Tokio runtime settings (`[tokio]`).
//!
//! The async runtime carries Nova transport and KVBM's background tasks. The leader mostly
//! coordinates and needs few workers; workers move data and may want more.

use serde::{Deserialize, Serialize};
use validator::Validate;

/// Default for [`TokioConfig::worker_threads`].
pub const DEFAULT_WORKER_THREADS: usize = 1;
/// Default for [`TokioConfig::max_blocking_threads`].
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;

/// Settings of the Tokio runtime (`[tokio]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct TokioConfig {
    /// Number of async worker threads.
    ///
    /// Default: `1`. Env: `KVBM_TOKIO_WORKER_THREADS`.
    /// Constraint: `1 ≤ x ≤ CPU count` (the upper bound is checked against the machine the
    /// config is loaded on, see [`crate::Loader::cpu_count`]).
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub worker_threads: usize,

    /// Upper bound of Tokio's blocking thread pool.
    ///
    /// Default: `512`. Env: `KVBM_TOKIO_MAX_BLOCKING_THREADS`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub max_blocking_threads: usize,
}

impl Default for TokioConfig {
    fn default() -> Self {
        Self {
            worker_threads: DEFAULT_WORKER_THREADS,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
        }
    }
}
