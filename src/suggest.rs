//! "Did you mean …?" suggestions for misspelt names.

/// Returns the candidate closest to `input`, if any is close enough to be a typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(input, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Formats `closest` as a sentence to append to an error, or an empty string.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(input, candidates)
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let names = ["project_name", "with_metrics", "license"];
        assert_eq!(closest("with_metric", names), Some("with_metrics"));
        assert_eq!(closest("licence", names), Some("license"));
        assert_eq!(closest("zzz", names), None);
    }
}
