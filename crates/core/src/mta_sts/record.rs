//! The `_mta-sts` TXT record (RFC 8461 §3.1). Parsing and its rules live in `txt/` and
//! `rules/sts/`; this is the value a sender takes from a valid record.

use serde::Serialize;

/// A valid `_mta-sts` record as a sender uses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StsRecord {
    /// The policy instance id (1 to 32 letters and digits).
    pub id: String,
}

impl StsRecord {
    /// The TXT record data: `v=STSv1; id=<id>`.
    pub fn render(&self) -> String {
        format!("v=STSv1; id={}", self.id)
    }
}
