//! Region names as AWS writes them (`us-east-1`, `us-gov-west-1`, `cn-north-1`,
//! `us-isob-east-1`, `eusc-de-east-1`): a region taken from data is used in a console link's
//! host name only when it has this shape, so a record cannot point a link elsewhere.

/// Whether `name` has the shape of an AWS region: a 2-4 letter area, one or two words,
/// and a number.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let [area, words @ .., number] = parts.as_slice() else {
        return false;
    };
    name.len() <= 32
        && (2..=4).contains(&area.len())
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && (1..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_regions_and_nothing_else() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "il-central-1",
            "eusc-de-east-1",
        ] {
            assert!(is_region_name(r), "{r}");
        }
        for r in [
            "",
            "evil.example/#",
            "us-east-1.evil.example",
            "us-east",
            "US-EAST-1",
            "us-east-1/",
            "us east 1",
            "a-b-1",
            "us--1",
            "us-east-123",
            "us-east-1\u{1b}]52",
        ] {
            assert!(!is_region_name(r), "{r:?}");
        }
    }
}
