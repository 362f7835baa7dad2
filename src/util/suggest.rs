//! Suggestions for a mistyped name: the nearest valid one by edit distance.

/// `did you mean `theme`?` when a valid name is close, else the list of valid names.
pub fn suggest(name: &str, valid: &[String]) -> String {
    match nearest(name, valid) {
        Some(best) => format!("did you mean `{best}`?"),
        None if valid.is_empty() => "no keys are allowed here".into(),
        None => {
            let list: Vec<String> = valid.iter().map(|v| format!("`{v}`")).collect();
            format!("valid keys: {}", list.join(", "))
        }
    }
}

/// The valid name nearest to `name`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(name: &str, valid: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    // A truncated key (`role` for `role_arn`) is a likelier slip than any typo.
    if lower.chars().count() >= 3 {
        if let Some(whole) = valid.iter().find(|v| v.starts_with(&lower)) {
            return Some(whole);
        }
    }
    let (best, distance) = valid
        .iter()
        .map(|v| (v.as_str(), levenshtein(&lower, v)))
        .min_by_key(|&(_, d)| d)?;
    // A third of the length allows two typos in a long key but not a different word.
    let allowed = (name.chars().count() / 3).max(1);
    (distance <= allowed).then_some(best)
}

/// Levenshtein distance, except that swapping two adjacent characters counts as one edit
/// (`drak` for `dark`), the commonest typo of all (optimal string alignment distance).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_distances() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("thme", "theme"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
        assert_eq!(levenshtein("drak", "dark"), 1);
        assert_eq!(levenshtein("ca", "abc"), 3);
    }

    #[test]
    fn suggestions_need_to_be_close() {
        let valid: Vec<String> = ["timezone", "theme", "mouse"].map(String::from).to_vec();
        assert_eq!(nearest("Theme", &valid), Some("theme"));
        assert_eq!(nearest("timezon", &valid), Some("timezone"));
        assert_eq!(nearest("colour", &valid), None);
    }
}
