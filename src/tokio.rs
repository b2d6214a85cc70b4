//! Tokio runtime settings (`[tokio]`).
//!
//! The async runtime carries Nova transport and KVBM's background tasks. The leader mostly
//! coordinates and needs few workers; workers move data and may want more.

use serde::{Deserialize, Serialize};

#[cfg(feature = "tokio")]
use crate::error::BuildError;

crate::declare::settings! {
    /// Settings of the Tokio runtime (`[tokio]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct TokioConfig {
        /// Number of async worker threads.
        ///
        /// At least 1. The spec's upper bound, the CPU count, is a fact of the host that
        /// runs the process, not of the machine that checks the config: `kvbm-config
        /// preflight` (and [`crate::preflight::run`]) warns when the value exceeds the
        /// target host's usable CPUs.
        pub worker_threads: usize = {
            default: 1,
            check: [min(1)],
        },
        /// Max blocking thread pool size.
        ///
        /// The upper bound of Tokio's pool of threads for blocking calls.
        pub max_blocking_threads: usize = {
            default: 512,
            check: [min(1)],
            nullable,
        },
    }
}

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
impl TokioConfig {
    /// A multi-thread runtime builder with these settings: `worker_threads` workers, at most
    /// `max_blocking_threads` blocking threads, threads named `kvbm-tokio-N`, and every
    /// driver (I/O, time) enabled. Call further builder methods, then `build()`.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] for a zero thread count, on which tokio's builder would panic.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = kvbm_config::tokio::TokioConfig { worker_threads: 2, ..Default::default() };
    /// let runtime = config.builder()?.build().expect("runtime");
    /// assert_eq!(runtime.metrics().num_workers(), 2);
    /// # Ok::<(), kvbm_config::BuildError>(())
    /// ```
    pub fn builder(&self) -> Result<tokio::runtime::Builder, BuildError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        BuildError::require_threads(crate::key::tokio::WORKER_THREADS, self.worker_threads)?;
        BuildError::require_threads(
            crate::key::tokio::MAX_BLOCKING_THREADS,
            self.max_blocking_threads,
        )?;
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        let next = AtomicUsize::new(0);
        builder
            .worker_threads(self.worker_threads)
            .max_blocking_threads(self.max_blocking_threads)
            .thread_name_fn(move || format!("kvbm-tokio-{}", next.fetch_add(1, Ordering::Relaxed)))
            .enable_all();
        Ok(builder)
    }

    /// Builds the runtime described by [`TokioConfig::builder`].
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] for a zero thread count; [`BuildError::Io`] when the OS
    /// refuses the threads or drivers.
    pub fn build_runtime(&self) -> Result<tokio::runtime::Runtime, BuildError> {
        self.builder()?.build().map_err(|source| BuildError::Io {
            what: "cannot build the Tokio runtime",
            source,
        })
    }
}
