//! The simulated organization's accounts, regions and the people and resources in them.

use crate::model::Account;

pub const REGIONS: [&str; 5] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
];

/// (id, name, environment). Ids look like real ones and are fixed, so screenshots and
/// exports stay stable.
pub const ACCOUNTS: [(&str, &str, &str); 14] = [
    ("418205517323", "management", "management"),
    ("529736041188", "security-audit", "security"),
    ("603194827750", "log-archive", "security"),
    ("731845206619", "prod-payments", "prod"),
    ("742391068254", "prod-web", "prod"),
    ("758120394476", "prod-data", "prod"),
    ("769304128837", "prod-identity", "prod"),
    ("780415392261", "prod-analytics", "prod"),
    ("812093745518", "staging-web", "staging"),
    ("823640918372", "staging-data", "staging"),
    ("904127365580", "dev-web", "dev"),
    ("915836204719", "dev-data", "dev"),
    ("926451830976", "dev-platform", "dev"),
    ("937208614453", "sandbox", "sandbox"),
];

/// Accounts outside the organization that show up as grantees.
pub const EXTERNAL_ACCOUNTS: [&str; 5] = [
    "123456789012",
    "210987654321",
    "444455556666",
    "777788889999",
    "350214889017",
];
pub const ORG_ID: &str = "o-7k2p9x4qwe";

pub fn accounts() -> Vec<Account> {
    ACCOUNTS
        .iter()
        .map(|(id, name, env)| Account::new(*id, *name, *env))
        .collect()
}

/// The share of findings an account gets: prod carries most of the weight.
pub fn account_weights() -> Vec<(u32, usize)> {
    ACCOUNTS
        .iter()
        .enumerate()
        .map(|(i, (_, _, env))| {
            let w = match *env {
                "prod" => 12,
                "staging" => 6,
                "dev" => 7,
                "sandbox" => 5,
                _ => 4,
            };
            (w, i)
        })
        .collect()
}

pub const FIRST_NAMES: [&str; 24] = [
    "alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "nina", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "wendy", "yusuf", "zara", "li",
    "amara", "mateo",
];
pub const LAST_NAMES: [&str; 12] = [
    "nguyen", "smith", "garcia", "kowalski", "okafor", "tanaka", "muller", "silva", "haddad",
    "novak", "brown", "rossi",
];
pub const SERVICE_USERS: [&str; 10] = [
    "ci-deployer",
    "terraform",
    "backup-agent",
    "datadog-integration",
    "legacy-etl",
    "jenkins",
    "s3-sync",
    "github-actions",
    "monitoring",
    "billing-export",
];
pub const ROLES: [&str; 8] = [
    "AdministratorAccess",
    "OrganizationAccountAccessRole",
    "SecurityAudit",
    "DevOps",
    "ReadOnly",
    "BreakGlass",
    "DataScientist",
    "PaymentsDeploy",
];

/// Names of resources per kind; a finding picks from a small pool per account so several
/// findings land on the same resource, as they do in real accounts.
pub const BUCKETS: [&str; 10] = [
    "assets",
    "logs",
    "backups",
    "data-lake",
    "exports",
    "invoices",
    "static-site",
    "ml-training",
    "tf-state",
    "uploads",
];
pub const FUNCTIONS: [&str; 6] = [
    "image-resize",
    "payment-webhook",
    "nightly-report",
    "auth-hook",
    "etl-loader",
    "slack-notify",
];
pub const QUEUES: [&str; 4] = ["orders", "events", "dead-letter", "emails"];
pub const TOPICS: [&str; 3] = ["alerts", "billing", "deployments"];
pub const DATABASES: [&str; 5] = ["orders-db", "users-db", "analytics", "ledger", "sessions"];
