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
    let letters = Letters::of(&given);
    candidates
        .into_iter()
        // A cheap lower bound of the distance first: most candidates are far, and the
        // distance itself is quadratic in the lengths.
        .filter(|candidate| letters.bag_distance(&Letters::of(candidate)) <= allowed)
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let edits = strsim::osa_distance(&given, &lower);
            (edits <= allowed).then(|| (candidate, edits, strsim::jaro_winkler(&given, &lower)))
        })
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)))
        .map(|(candidate, _, _)| candidate)
}

/// How many times each letter occurs in a word (ignoring case; other characters share
/// buckets by their code point).
struct Letters([u16; 64]);

impl Letters {
    fn of(word: &str) -> Letters {
        let mut counts = [0u16; 64];
        for c in word.chars() {
            let bucket = (c.to_ascii_lowercase() as u32 % 64) as usize;
            counts[bucket] = counts[bucket].saturating_add(1);
        }
        Letters(counts)
    }

    /// The bag distance: the larger of the letters one word has beyond the other, and
    /// the other way round. Insertions, deletions and substitutions change it by one at
    /// most and swaps not at all, so it never exceeds the edit distance; sharing buckets
    /// only lowers it.
    fn bag_distance(&self, other: &Letters) -> usize {
        let (mut extra, mut missing) = (0usize, 0usize);
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            match a.cmp(b) {
                std::cmp::Ordering::Greater => extra += usize::from(a - b),
                std::cmp::Ordering::Less => missing += usize::from(b - a),
                std::cmp::Ordering::Equal => {}
            }
        }
        extra.max(missing)
    }
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

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        let words = [
            "KVBM_TOKIO_WORKER_THREADS",
            "kvbm_tokio_worker_thread",
            "KVBM_TOKIO_WROKER_THREADS",
            "KVBM_RAYON_NUM_THREADS",
            "leadr",
            "leader",
            "GSD",
            "GDS",
            "cache_size_gbb",
            "größe",
            "",
        ];
        for a in words {
            for b in words {
                let bound = super::Letters::of(a).bag_distance(&super::Letters::of(b));
                let edits = strsim::osa_distance(&a.to_ascii_lowercase(), &b.to_ascii_lowercase());
                assert!(bound <= edits, "{a} / {b}: {bound} > {edits}");
            }
        }
    }
}
