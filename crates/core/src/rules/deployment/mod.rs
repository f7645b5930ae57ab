//! Rules over several records of a domain seen together (a zone file or `dig` output):
//! where records live, delegation, and whether TLS-RPT accompanies MTA-STS.

use crate::mta_sts::Mode;
use crate::txt::proto::{self, Proto};
use crate::zone::ZoneRr;

crate::rules::rule_group!(RULES, check_all, DeploymentCx<'_>;
    sts_cname, sts_wrong_location, sts_parent_only, tlsrpt_legacy_location, tlsrpt_wrong_location,
    tlsrpt_missing_with_sts, mode_no_tlsrpt, mx_cname,
);

/// What the records say about one domain.
#[derive(Debug)]
pub struct DomainFacts {
    pub domain: String,
    /// Exactly one valid `_mta-sts` record.
    pub sts_valid: bool,
    pub sts_present: bool,
    /// Exactly one valid `_smtp._tls` record.
    pub tlsrpt_valid: bool,
    pub mx: Vec<String>,
}

pub struct DeploymentCx<'a> {
    pub src: &'a [u8],
    pub rrs: &'a [ZoneRr],
    pub domains: &'a [DomainFacts],
    /// The policy mode, when the policy is known.
    pub mode: Option<Mode>,
}

impl DeploymentCx<'_> {
    /// TXT records whose data looks meant for `proto`, with the data.
    pub fn txt_like<'s>(&'s self, proto: &'static Proto) -> impl Iterator<Item = &'s ZoneRr> + 's {
        self.rrs.iter().filter(move |z| {
            z.rr.rtype == "TXT" && proto.looks_like(&crate::txt::presentation(self.src, z.rr.rdata).data)
        })
    }
}

/// The domain a misplaced record was meant for: its owner without a first label that
/// looks like a misspelt or wrong prefix.
pub(crate) fn intended_domain(owner: &str) -> &str {
    for prefix in [
        "mta-sts.",
        "_mts-sts.",
        "_mta_sts.",
        "mta_sts.",
        "_mtasts.",
        "_smtp._tls.",
        "_smtp-tlsrpt.",
        "_tls.",
        "_smtp.",
    ] {
        if let Some(rest) = owner.strip_prefix(prefix) {
            return rest;
        }
    }
    owner
}

/// Where a finding about `domain` as a whole points: its `_mta-sts` record, if any.
pub(crate) fn sts_anchor(cx: &DeploymentCx, domain: &str) -> crate::diagnostic::Span {
    let owner = format!("_mta-sts.{domain}");
    cx.rrs
        .iter()
        .find(|z| z.name == owner)
        .map_or(crate::diagnostic::Span::at(0), |z| z.rr.span)
}

pub(crate) static STS: &Proto = &proto::STS;
pub(crate) static TLSRPT: &Proto = &proto::TLSRPT;
