//! Rayon thread-pool settings (`[rayon]`).
//!
//! Rayon runs KVBM's CPU-bound work (tensor layout changes, compression).

use serde::{Deserialize, Serialize};

crate::declare::settings! {
    /// Settings of the Rayon thread pool (`[rayon]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct RayonConfig {
        /// Number of Rayon threads.
        pub num_threads: usize = {
            default: crate::cpu_count(),
            check: [min(1)],
            example: "8",
            machine: "CPU count",
            nullable,
        },
    }
}

#[cfg(feature = "rayon")]
#[cfg_attr(docsrs, doc(cfg(feature = "rayon")))]
impl RayonConfig {
    /// Builds a Rayon pool of `num_threads` threads named `kvbm-rayon-N`.
    ///
    /// # Errors
    ///
    /// [`crate::BuildError::Invalid`] for zero threads (Rayon would silently pick a count);
    /// [`crate::BuildError::Rayon`] when the OS refuses the threads.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = kvbm_config::rayon::RayonConfig { num_threads: 3, ..Default::default() }.build_pool()?;
    /// assert_eq!(pool.current_num_threads(), 3);
    /// # Ok::<(), kvbm_config::BuildError>(())
    /// ```
    pub fn build_pool(&self) -> Result<rayon::ThreadPool, crate::BuildError> {
        Ok(self.pool_builder()?.build()?)
    }

    /// Makes this Rayon's global pool.
    ///
    /// # Errors
    ///
    /// As [`RayonConfig::build_pool`], and [`crate::BuildError::Rayon`] when the global pool
    /// exists already (it can be set once per process).
    pub fn build_global(&self) -> Result<(), crate::BuildError> {
        Ok(self.pool_builder()?.build_global()?)
    }

    fn pool_builder(&self) -> Result<rayon::ThreadPoolBuilder, crate::BuildError> {
        crate::BuildError::require_threads(crate::key::rayon::NUM_THREADS, self.num_threads)?;
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(self.num_threads)
            .thread_name(|i| format!("kvbm-rayon-{i}")))
    }
}
