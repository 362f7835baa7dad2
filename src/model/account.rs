//! An AWS account as the console names it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// Display name ("prod-payments"); the id when nothing better is known.
    pub name: String,
    /// Environment label such as `prod`, `dev`, `security`.
    pub environment: String,
}

impl Account {
    pub fn new(id: impl Into<String>, name: impl Into<String>, env: impl Into<String>) -> Self {
        Account {
            id: id.into(),
            name: name.into(),
            environment: env.into(),
        }
    }
}
