//! "Did you mean ...?" for misspelled keys, names and variables.

/// The candidate closest to `given`, if it is close enough to be a plausible typo.
///
/// Uses Jaro-Winkler similarity (from `strsim`), which favours a shared prefix: the usual
/// shape of a config typo (`cache_size_gbb`, `leadr`, `KVBM_TOKIO_WORKER_THREAD`).
pub(crate) fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    const PLAUSIBLE: f64 = 0.8;
    let given_lower = given.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&given_lower, &candidate.to_ascii_lowercase());
            (candidate, score)
        })
        .filter(|(_, score)| *score >= PLAUSIBLE)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_plausible_typos_and_ignores_unrelated_words() {
        let keys = ["cache_size_gb", "num_blocks"];
        assert_eq!(closest("cache_size_gbb", keys), Some("cache_size_gb"));
        assert_eq!(closest("num_block", keys), Some("num_blocks"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(
            closest("leadr", ["default", "leader", "worker"]),
            Some("leader")
        );
    }
}
