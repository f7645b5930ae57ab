//! MTA-STS (RFC 8461): the policy file and the `_mta-sts` TXT record.

pub mod mx_list;
pub mod policy;
pub mod record;

pub use mx_list::MxList;
pub use policy::{Mode, Policy, PolicyDoc};
pub use record::StsRecord;
