//! What differs between the two TXT record protocols, and the role each record of an
//! RRset plays in discovery.

use super::TxtRecord;
use super::tagged::{self, Tagged};
use crate::diagnostic::Span;

/// One of the two `v=...;` TXT record protocols.
#[derive(Debug)]
pub struct Proto {
    /// "MTA-STS" or "TLS-RPT".
    pub name: &'static str,
    /// Where the record lives, e.g. `_mta-sts.<domain>`.
    pub owner: &'static str,
    /// `v=STSv1`
    pub version: &'static [u8],
    /// `STSv1`
    pub version_value: &'static str,
    /// `v=STSv1;`: records that do not begin with this are discarded from an RRset.
    pub prefix: &'static [u8],
    /// The registered field (`id` or `rua`).
    pub required: &'static str,
    /// Fields whose value is a comma list.
    pub list_fields: &'static [&'static [u8]],
    /// Non-ASCII bytes have a rule of their own (STS-TXT-NON-ASCII).
    pub non_ascii_rule: bool,
}

pub static STS: Proto = Proto {
    name: "MTA-STS",
    owner: "_mta-sts",
    version: b"v=STSv1",
    version_value: "STSv1",
    prefix: b"v=STSv1;",
    required: "id",
    list_fields: &[],
    non_ascii_rule: true,
};

pub static TLSRPT: Proto = Proto {
    name: "TLS-RPT",
    owner: "_smtp._tls",
    version: b"v=TLSRPTv1",
    version_value: "TLSRPTv1",
    prefix: b"v=TLSRPTv1;",
    required: "rua",
    list_fields: &[b"rua"],
    non_ascii_rule: false,
};

/// What discovery does with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Kept: judged by the grammar.
    Candidate,
    /// Meant for this protocol but discarded because it does not begin with the
    /// literal prefix (only when the RRset holds several records).
    Discarded,
    /// Some other record (site verification, SPF, ...).
    Unrelated,
}

impl Proto {
    /// Whether the record seems meant for this protocol: it holds `v=<version>`
    /// in any case, possibly with WSP around `=`.
    pub fn looks_like(&self, data: &[u8]) -> bool {
        let value = &self.version[2..];
        data.windows(value.len()).enumerate().any(|(i, w)| {
            w.eq_ignore_ascii_case(value) && {
                let before = data[..i].trim_ascii_end();
                before.ends_with(b"=")
                    && before[..before.len() - 1]
                        .trim_ascii_end()
                        .to_ascii_lowercase()
                        .ends_with(b"v")
            }
        })
    }

    /// The role of each record, per the discovery rules (RFC 8461 §3.1, RFC 8460 §3).
    pub fn roles(&self, records: &[TxtRecord]) -> Vec<Role> {
        let several = records.len() > 1;
        records
            .iter()
            .map(|r| {
                if several && r.data.starts_with(self.prefix) {
                    Role::Candidate
                } else if self.looks_like(&r.data) {
                    if several { Role::Discarded } else { Role::Candidate }
                } else {
                    Role::Unrelated
                }
            })
            .collect()
    }

    /// Tokenize a record. Zone-file quotes typed into the record (`"v=STSv1; id=1"` as
    /// the data) are left out, so that mistake gives one finding, not several.
    pub fn tokenize(&self, data: &[u8]) -> Tagged {
        let wrapped = data.len() >= 2 && data[0] == b'"' && data[data.len() - 1] == b'"';
        let range = if wrapped {
            Span::new(1, data.len() - 1)
        } else {
            Span::new(0, data.len())
        };
        tagged::tokenize(data, range, self.list_fields)
    }

    pub fn is_version_field(&self, data: &[u8], f: &tagged::Field) -> bool {
        f.eq.is_some() && !f.wsp_around_eq && &data[f.span.start..f.span.end] == self.version
    }
}

/// One record with its tokens: what record rules look at.
pub struct RecordCx<'a> {
    pub proto: &'static Proto,
    pub rec: &'a TxtRecord,
    pub data: &'a [u8],
    pub t: &'a Tagged,
}

impl RecordCx<'_> {
    pub fn text(&self, span: crate::diagnostic::Span) -> &[u8] {
        &self.data[span.start..span.end]
    }

    /// Fields after the version, by name (exact, case-sensitive).
    pub fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s tagged::Field> + 's {
        self.t
            .rest()
            .iter()
            .filter(move |f| f.eq.is_some() && !f.wsp_around_eq && self.text(f.name) == name.as_bytes())
    }
}

/// The whole RRset: what set rules look at. Spans are source offsets.
pub struct SetCx<'a> {
    pub proto: &'static Proto,
    pub src: &'a [u8],
    pub records: &'a [TxtRecord],
    pub roles: &'a [Role],
}

impl SetCx<'_> {
    pub fn candidates(&self) -> impl Iterator<Item = &TxtRecord> {
        self.records
            .iter()
            .zip(self.roles)
            .filter(|(_, r)| **r == Role::Candidate)
            .map(|(rec, _)| rec)
    }
}
