//! The config file's errors: each names the file, line, column and what was expected.

use super::*;
use crate::util::diagnostic::line_column;
use std::path::Path;

fn parse(text: &str) -> Result<Config, String> {
    parse_str(text, Path::new("config.toml"), &vocabulary()).map_err(|e| e.to_string())
}

fn vocabulary() -> Vocabulary {
    crate::app::pane::vocabulary()
}

#[test]
fn empty_text_gives_defaults() {
    let config = parse("").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.timezone(), Timezone::Utc);
    assert_eq!(config.theme_name(), "dark");
    assert!(config.mouse());
    assert_eq!(config.credential_age_days(), 90);
    assert_eq!(config.unused_days(), 90);
    assert_eq!(config.demo_seed(), 42);
    assert_eq!(config.tick(), Duration::from_secs(4));
    assert!(config.accounts.is_empty() && config.regions.is_empty());
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let err = parse("[display]\nthme = \"light\"\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:1: unknown key `thme` in [display]; did you mean `theme`?"
    );
}

#[test]
fn unknown_key_far_from_all_lists_the_valid_keys() {
    let err = parse("[demo]\nbanana = 1\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:1: unknown key `banana` in [demo]; valid keys: `seed`, `tick_seconds`"
    );
}

#[test]
fn unknown_top_level_key_and_section() {
    let err = parse("region = [\"us-east-1\"]\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:1:1: unknown key `region` in the top level; did you mean `regions`?"
    );
    let err = parse("[threshold]\n").unwrap_err();
    assert!(
        err.starts_with(
            "config.toml:1:2: unknown key `threshold` in the top level; did you mean `thresholds`?"
        ),
        "{err}"
    );
}

#[test]
fn unknown_key_in_an_account() {
    let text = "[[accounts]]\nid = \"111111111111\"\nrole = \"arn:aws:iam::1:role/x\"\n";
    let err = parse(text).unwrap_err();
    assert_eq!(
        err,
        "config.toml:3:1: unknown key `role` in [[accounts]]; did you mean `role_arn`?"
    );
}

#[test]
fn bad_timezone_names_the_choices() {
    let err = parse("[display]\ntimezone = \"Europe/Paris\"\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:12: invalid value for `timezone`: expected \"utc\" or \"local\", found \"Europe/Paris\""
    );
    let err = parse("[display]\ntimezone = 5\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:12: invalid value for `timezone`: expected a quoted string, found integer `5`"
    );
}

#[test]
fn bad_type_says_what_was_expected() {
    let err = parse("[thresholds]\ncredential_age_days = \"ninety\"\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:23: invalid value for `credential_age_days`: expected a whole number, found string \"ninety\""
    );
    let err = parse("[display]\nmouse = 1\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:9: invalid value for `mouse`: expected true or false, found integer `1`"
    );
}

#[test]
fn negative_number_is_rejected_with_its_key() {
    let err = parse("[demo]\nseed = -1\n").unwrap_err();
    assert!(
        err.starts_with("config.toml:2:8: invalid value for `seed`: expected a whole number"),
        "{err}"
    );
}

#[test]
fn duplicate_key_is_named() {
    let err = parse("[display]\nmouse = true\nmouse = false\n").unwrap_err();
    assert_eq!(err, "config.toml:3:1: duplicate key `mouse`");
}

#[test]
fn syntax_error_has_line_and_column() {
    let err = parse("[display\ntheme = \"x\"\n").unwrap_err();
    assert!(err.starts_with("config.toml:1:9: "), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn threshold_out_of_range_names_the_field_and_line() {
    let err = parse("\n[thresholds]\nunused_days = 0\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:3:15: thresholds.unused_days: must be 1 to 3650 days, found 0"
    );
    let err = parse("[demo]\ntick_seconds = 7200\n").unwrap_err();
    assert_eq!(
        err,
        "config.toml:2:16: demo.tick_seconds: must be 1 to 3600 seconds, found 7200"
    );
}

#[test]
fn account_rules() {
    let ok = "[[accounts]]\nid = \"012345678901\"\n";
    let config = parse(ok).unwrap();
    assert_eq!(config.accounts[0].name, "012345678901");
    assert_eq!(config.accounts[0].environment, "unknown");

    let two = "[[accounts]]\nid = \"012345678901\"\n[[accounts]]\nid = \"12345\"\n";
    let err = parse(two).unwrap_err();
    assert!(
        err.starts_with(
            "config.toml:4:6: accounts[1].id: expected a 12-digit AWS account id, found \"12345\""
        ),
        "{err}"
    );

    let dup = "[[accounts]]\nid = \"012345678901\"\n[[accounts]]\nid = \"012345678901\"\n";
    assert_eq!(
        parse(dup).unwrap_err(),
        "config.toml:4:6: accounts[1].id: duplicate of accounts[0].id"
    );

    let arn = "[[accounts]]\nid = \"012345678901\"\nrole_arn = \"role/x\"\n";
    assert!(parse(arn)
        .unwrap_err()
        .starts_with("config.toml:3:12: accounts[0].role_arn: expected an IAM role ARN"));

    let ext = "[[accounts]]\nid = \"012345678901\"\nexternal_id = \"x\"\n";
    assert!(parse(ext)
        .unwrap_err()
        .starts_with("config.toml:3:15: accounts[0].external_id: is only used"));
}

#[test]
fn missing_account_id() {
    let err = parse("[[accounts]]\nname = \"prod\"\n").unwrap_err();
    assert!(err.contains("missing key `id` in [[accounts]]"), "{err}");
}

#[test]
fn regions_are_shape_checked_and_inherited() {
    let text = "regions = [\"us-east-1\", \"eu-west-1\"]\n\
                [[accounts]]\nid = \"012345678901\"\n\
                [[accounts]]\nid = \"123456789012\"\nregions = [\"ap-south-2\"]\n";
    let config = parse(text).unwrap();
    assert_eq!(config.regions_for(&config.accounts[0]), &config.regions[..]);
    assert_eq!(config.regions_for(&config.accounts[1]), ["ap-south-2"]);

    let err = parse("regions = [\"us-east-1\", \"US East\"]\n").unwrap_err();
    assert!(
        err.starts_with("config.toml:1:25: regions[1]: expected a region name"),
        "{err}"
    );
}

#[test]
fn theme_names_cannot_escape_the_directory() {
    let err = parse("[display]\ntheme = \"../../etc/passwd\"\n").unwrap_err();
    assert!(
        err.starts_with("config.toml:2:9: display.theme: expected a theme name"),
        "{err}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(line_column("é = 1", 3), (1, 3));
    assert_eq!(line_column("a\nbc", 3), (2, 2));
    assert_eq!(line_column("", 10), (1, 1));
}

#[test]
fn resolution_order() {
    let dir = std::env::temp_dir().join(format!("rampart-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.toml");
    std::fs::write(&file, "[demo]\nseed = 7\n").unwrap();
    let missing = dir.join("missing.toml");

    // --config wins over the environment; both must exist.
    let loaded = load_from(Some(&file), Some(&missing), None, &vocabulary()).unwrap();
    assert_eq!(loaded.config.demo_seed(), 7);
    assert_eq!(loaded.path.as_deref(), Some(file.as_path()));
    let err = load_from(Some(&missing), None, None, &vocabulary())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.toml: config file not found (named by --config)"));
    let err = load_from(None, Some(&missing), None, &vocabulary())
        .unwrap_err()
        .to_string();
    assert!(err.contains("(named by $RAMPART_CONFIG)"), "{err}");

    // The platform file may be absent; an empty variable counts as unset.
    let loaded = load_from(None, Some(Path::new("")), Some(&dir), &vocabulary()).unwrap();
    assert_eq!(loaded, load::defaults());
    std::fs::write(dir.join("config.toml"), "[demo]\nseed = 9\n").unwrap();
    let loaded = load_from(None, None, Some(&dir), &vocabulary()).unwrap();
    assert_eq!(loaded.config.demo_seed(), 9);
    assert_eq!(loaded.path, Some(dir.join("config.toml")));
    std::fs::remove_dir_all(&dir).unwrap();
}
