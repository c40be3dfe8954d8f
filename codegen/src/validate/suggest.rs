//! "Did you mean …?" hints: the known name closest to a misspelt one.

/// `; did you mean "X"?` when a candidate is close to `name`, otherwise nothing, so a message can
/// always end with it.
pub(super) fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(name, candidates) {
        Some(candidate) => format!("; did you mean \"{candidate}\"?"),
        None => String::new(),
    }
}

/// The candidate nearest to `name` by edit distance, if near enough to be a likely typo.
///
/// Case is ignored: `mchdeposit` for `MchDeposit` is the same slip as a dropped letter. The limit
/// grows with the name (a third of its length, at least 2), so a long name may carry several
/// typos while a short one does not suggest every other short name. Ties go to the first
/// candidate, so the hint follows spec order.
pub(super) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    let limit = (wanted.len() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| {
            let other: Vec<char> = candidate.to_lowercase().chars().collect();
            (distance(&wanted, &other), candidate)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance: insertions, deletions and substitutions each cost one.
fn distance(a: &[char], b: &[char]) -> usize {
    // Two rows of the usual table are enough: each row depends only on the one above it.
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &left) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &right) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(left != right);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(distance(&chars(""), &chars("abc")), 3);
        assert_eq!(distance(&chars("充值"), &chars("充值单")), 1);
    }

    #[test]
    fn suggests_the_nearest_close_name() {
        let names = ["RechargeAmount", "RechargeState", "MchDeposit"];
        assert_eq!(closest("RechargeAmout", names), Some("RechargeAmount"));
        assert_eq!(closest("mchdeposit", names), Some("MchDeposit"));
        assert_eq!(closest("Refund", names), None);
    }

    #[test]
    fn short_names_allow_two_edits() {
        assert_eq!(closest("strng", ["string", "integer"]), Some("string"));
        assert_eq!(closest("id", ["name"]), None);
    }

    #[test]
    fn hint_is_empty_when_nothing_is_close() {
        assert_eq!(hint("Zzz", ["RechargeAmount"]), "");
        assert_eq!(hint("amout", ["amount"]), "; did you mean \"amount\"?");
    }
}
