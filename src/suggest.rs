//! "Did you mean ...?" for misspelled keys, names and variables.

/// The candidate closest to `given`, if it is close enough to be a plausible typo.
///
/// Closeness is the optimal-string-alignment distance from `strsim` (insertions,
/// deletions, substitutions and swapped neighbours, ignoring case), which catches the
/// usual shapes of a config typo (`cache_size_gbb`, `leadr`, `GSD`); ties go to the
/// candidate sharing the longer prefix (Jaro-Winkler). Short words allow one edit, longer
/// ones a few more.
pub(crate) fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // No real key is this long; do not spend quadratic time on a hostile one.
    if given.len() > 128 {
        return None;
    }
    let given = given.to_ascii_lowercase();
    let allowed = match given.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    candidates
        .into_iter()
        .map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let edits = strsim::osa_distance(&given, &lower);
            (candidate, edits, strsim::jaro_winkler(&given, &lower))
        })
        .filter(|(_, edits, _)| *edits <= allowed)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)))
        .map(|(candidate, _, _)| candidate)
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
