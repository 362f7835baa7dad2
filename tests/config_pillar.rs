//! `[identity_center]` and `[wellarchitected]`: read, placed in a configured account and
//! region, and every mistake named.

use std::path::Path;

/// The config as the console reads it: told the panes' vocabulary.
mod config {
    use std::path::Path;

    pub fn parse_str(
        text: &str,
        file: &Path,
    ) -> Result<rampart::config::Config, rampart::config::ConfigError> {
        rampart::config::parse_str(text, file, &rampart::app::pane::vocabulary())
    }
}

#[test]
fn identity_center_and_well_architected_are_placed_in_a_configured_account() {
    let accounts =
        "[[accounts]]\nid = \"111111111111\"\nname = \"mgmt\"\nregions = [\"us-east-1\"]\n";
    let text = format!(
        "{accounts}[identity_center]\naccount = \"mgmt\"\nregion = \"us-east-1\"\n\
         [wellarchitected]\nworkloads = [\"0123456789abcdef0123456789abcdef\"]\naccount = \"111111111111\"\n"
    );
    let c = config::parse_str(&text, Path::new("p.toml")).unwrap();
    let polling = c.polling();
    let ic = polling.identity_center.unwrap();
    assert_eq!(
        (ic.account.as_str(), ic.region.as_str()),
        ("mgmt", "us-east-1")
    );
    assert_eq!(ic.every, std::time::Duration::from_secs(3600));
    let (wa, workloads) = polling.wellarchitected.unwrap();
    assert_eq!(wa.account, "111111111111");
    assert_eq!(workloads, ["0123456789abcdef0123456789abcdef"]);
    // Off unless named.
    let c = config::parse_str(accounts, Path::new("p.toml")).unwrap();
    assert!(c.polling().identity_center.is_none() && c.polling().wellarchitected.is_none());

    let err = |text: String| {
        config::parse_str(&text, Path::new("p.toml"))
            .unwrap_err()
            .to_string()
    };
    let e = err(format!(
        "{accounts}[identity_center]\naccount = \"nobody\"\n"
    ));
    assert!(
        e.contains("identity_center.account: expected the id or name of a configured account"),
        "{e}"
    );
    let e = err(format!(
        "{accounts}[identity_center]\naccount = \"mgmt\"\nregion = \"eu-west-1\"\n"
    ));
    assert!(
        e.contains("identity_center.region") && e.contains("not among the regions"),
        "{e}"
    );
    let e = err(format!(
        "{accounts}[wellarchitected]\nworkloads = [\"payments\"]\naccount = \"mgmt\"\n"
    ));
    assert!(
        e.contains("\"payments\" is not a workload id (32 hex characters)"),
        "{e}"
    );
    let e = err(format!(
        "{accounts}[wellarchitected]\nworkloads = [\"0123456789abcdef0123456789abcdef\"]\n"
    ));
    assert!(
        e.contains("name the account that owns the workloads"),
        "{e}"
    );
}
