//! mtasts-core: the MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) engine.
//!
//! Pure functions over bytes: no I/O, no clock, no async. Every finding comes from the
//! rule registry ([`rules`]), carries a byte span, line and column, and where the right
//! edit is certain, a [`Fix`].

pub mod base64;
pub mod check;
pub mod civil;
pub mod diagnostic;
pub mod fetch;
pub mod generate;
pub mod mta_sts;
pub mod mx;
pub mod probe;
pub mod report;
pub mod rule;
pub mod rules;
#[cfg(test)]
pub(crate) mod test_rng;
pub mod text;
pub mod tlsrpt;
pub mod txt;
pub mod zone;

pub use diagnostic::{Diagnostic, Edit, Fix, Severity, Span, apply_fixes};
pub use rule::{Rule, Section, Subject};
pub use rules::mx::MxHost;

use mta_sts::{Policy, PolicyDoc, StsRecord};
use serde::Serialize;
use tlsrpt::TlsRptRecord;
use txt::proto::{self, Proto, RecordCx, Role, SetCx};

/// What is being linted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The policy file.
    Policy,
    /// `_mta-sts` TXT record(s), one per line.
    Sts,
    /// `_smtp._tls` TXT record(s), one per line.
    Tlsrpt,
    /// A zone file or `dig` output: every record of one or more domains.
    Zone,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Sts => "sts",
            Kind::Tlsrpt => "tlsrpt",
            Kind::Zone => "zone",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "policy" => Some(Kind::Policy),
            "sts" => Some(Kind::Sts),
            "tlsrpt" => Some(Kind::Tlsrpt),
            "zone" => Some(Kind::Zone),
            _ => None,
        }
    }
}

/// What a conforming sender would use, when the input is valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Parsed {
    Policy(Policy),
    Sts(StsRecord),
    Tlsrpt(TlsRptRecord),
    Zone(ZoneSummary),
}

/// What a zone says about each domain in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ZoneSummary {
    pub domains: Vec<ZoneDomain>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ZoneDomain {
    pub domain: String,
    /// The id of the one valid `_mta-sts` record.
    pub sts_id: Option<String>,
    /// The destinations of the one valid `_smtp._tls` record.
    pub tlsrpt_rua: Option<Vec<String>>,
    pub mx: Vec<String>,
}

/// The result of linting one input.
#[derive(Clone, Debug)]
pub struct Report {
    pub kind: Kind,
    /// True exactly when a sender following the RFC would accept the input: no finding
    /// of this input has severity error.
    pub valid: bool,
    /// The values that sender would use; `None` when not valid.
    pub parsed: Option<Parsed>,
    /// Findings sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings left out because one rule fired more than [`diagnostic::Sink::CAP`] times.
    pub suppressed: usize,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
    pub fn has(&self, code: &str) -> bool {
        self.diagnostics.iter().any(|d| d.rule.code == code)
    }

    /// What a sending server would conclude, in one sentence.
    pub fn summary(&self) -> String {
        let first_error = self
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error && d.rule.subject != Subject::MxMatch)
            .map_or(String::new(), |d| format!(": {}", d.message));
        match (&self.parsed, self.kind) {
            (Some(Parsed::Policy(p)), _) => {
                let cache = generate::human_duration(p.max_age);
                match p.mode {
                    mta_sts::Mode::None => {
                        format!("Valid policy: mode none (MTA-STS switched off), cached for {cache}")
                    }
                    mode => format!(
                        "Valid policy: {}, {} MX pattern{}, cached for {cache}",
                        mode.as_str(),
                        p.mx.len(),
                        if p.mx.len() == 1 { "" } else { "s" }
                    ),
                }
            }
            (Some(Parsed::Sts(r)), _) => format!("Valid _mta-sts record: policy id {}", r.id),
            (Some(Parsed::Tlsrpt(r)), _) => {
                format!("Valid TLS-RPT record: reports go to {}", r.rua.join(", "))
            }
            (None, Kind::Policy) => format!("Senders will ignore this policy{first_error}"),
            (None, Kind::Sts) => format!("Senders will see no MTA-STS policy{first_error}"),
            (None, Kind::Tlsrpt) => format!("Reporters will find no TLS-RPT record{first_error}"),
            (Some(Parsed::Zone(z)), _) => {
                let sts = z.domains.iter().filter(|d| d.sts_id.is_some()).count();
                format!(
                    "{} domain{} in the zone, {sts} with a valid _mta-sts record",
                    z.domains.len(),
                    if z.domains.len() == 1 { "" } else { "s" }
                )
            }
            (None, Kind::Zone) => format!("The zone has records senders will reject{first_error}"),
        }
    }
}

/// Guess the kind of a pasted input.
pub fn detect_kind(src: &[u8]) -> Kind {
    // Several domains' records, or records other than TXT: a zone.
    let rrs = zone::parse(src);
    if rrs.iter().any(|z| z.rr.rtype != "TXT") || {
        let mut owners: Vec<&str> = rrs.iter().map(|z| z.name.as_str()).collect();
        owners.dedup();
        owners.len() > 1
    } {
        return Kind::Zone;
    }
    let mut sts = false;
    for rec in txt::records(src) {
        let lower = rec.data.to_ascii_lowercase();
        let trimmed = lower.trim_ascii_start();
        let trimmed = trimmed.strip_prefix(b"\xef\xbb\xbf").unwrap_or(trimmed);
        let key = trimmed.split(|&b| b == b':').next().unwrap_or_default().trim_ascii();
        if matches!(key, b"version" | b"mode" | b"max_age" | b"mx") && trimmed.contains(&b':') {
            return Kind::Policy;
        }
        if proto::TLSRPT.looks_like(&rec.data) {
            return Kind::Tlsrpt;
        }
        if proto::STS.looks_like(&rec.data) {
            sts = true;
        }
    }
    if sts { Kind::Sts } else { Kind::Policy }
}

/// Lint `src` as `kind`.
pub fn lint(kind: Kind, src: &[u8]) -> Report {
    match kind {
        Kind::Policy => lint_policy(src, None),
        Kind::Sts => lint_sts(src),
        Kind::Tlsrpt => lint_tlsrpt(src),
        Kind::Zone => lint_zone(src, None),
    }
}

/// Lint a policy file; with `mx`, also hold the MX hosts against its patterns (those
/// findings do not change `valid`: a sender accepts the policy either way).
pub fn lint_policy(src: &[u8], mx: Option<&[MxHost]>) -> Report {
    let doc = PolicyDoc::parse(src);
    let mut sink = diagnostic::Sink::new();
    rules::policy::check_all(&doc, &mut sink);
    let valid = !sink.diagnostics.iter().any(|d| d.severity == Severity::Error);
    if let Some(hosts) = mx {
        rules::mx::check_all(&rules::mx::MxCx { doc: &doc, hosts }, &mut sink);
    }
    let parsed = if valid {
        doc.to_policy().map(Parsed::Policy)
    } else {
        None
    };
    finish(Kind::Policy, src, sink, valid, parsed)
}

/// Lint `_mta-sts` TXT records (one per line).
pub fn lint_sts(src: &[u8]) -> Report {
    let mut sink = diagnostic::Sink::new();
    let chosen = lint_txt(&proto::STS, src, txt::records(src), &mut sink);
    let valid = chosen.is_some() && !has_error(&sink);
    let parsed = chosen
        .filter(|_| valid)
        .and_then(|rec| sts_value(&rec))
        .map(Parsed::Sts);
    finish(Kind::Sts, src, sink, valid, parsed)
}

/// Lint `_smtp._tls` TXT records (one per line).
pub fn lint_tlsrpt(src: &[u8]) -> Report {
    let mut sink = diagnostic::Sink::new();
    let chosen = lint_txt(&proto::TLSRPT, src, txt::records(src), &mut sink);
    let valid = chosen.is_some() && !has_error(&sink);
    let parsed = chosen.filter(|_| valid).map(|rec| Parsed::Tlsrpt(tlsrpt_value(&rec)));
    finish(Kind::Tlsrpt, src, sink, valid, parsed)
}

/// Lint a zone file or `dig` output: each domain's `_mta-sts` and `_smtp._tls` RRsets,
/// and where records live. `mode` is the policy's mode when known (for MODE-NO-TLSRPT).
pub fn lint_zone(src: &[u8], mode: Option<mta_sts::Mode>) -> Report {
    lint_zone_for(src, mode, None)
}

/// [`lint_zone`] for one domain's DNS answers, as a live check gathers them: only `domain`
/// is judged (names reached through a CNAME are not domains of their own here), and the
/// `_mta-sts` and `_smtp._tls` RRsets are taken at the end of their CNAME chains, which
/// senders follow (RFC 8461 §3.1, RFC 8460 §3).
///
/// `unanswered` names the owners whose TXT lookup failed: their RRset is unknown, not
/// empty, so no `*-NOT-FOUND` finding is made for them. An empty RRset that was answered
/// is reported as a note (the domain does not use the protocol), not an error.
pub fn lint_zone_domain(src: &[u8], mode: Option<mta_sts::Mode>, domain: &str, unanswered: &[String]) -> Report {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    lint_zone_for(src, mode, Some((&domain, unanswered)))
}

/// The comment line a live check writes before the TXT answer for `owner`
/// (`; _mta-sts.example.com TXT: NXDOMAIN`), if there is one.
fn answer_comment(src: &[u8], owner: &str) -> Option<Span> {
    let want = format!("; {owner} TXT:");
    txt::lines(src).find(|l| src[l.start..l.end].starts_with(want.as_bytes()))
}

/// Follow CNAME records of `rrs` from `owner` (at most 8 hops, loops stop): the owner
/// whose records answer a query for `owner`.
fn cname_chain_end(src: &[u8], rrs: &[zone::ZoneRr], owner: &str) -> String {
    let mut at = owner.to_string();
    for _ in 0..8 {
        let next = rrs
            .iter()
            .find(|z| z.rr.rtype == "CNAME" && z.name == at)
            .and_then(|z| zone::cname_target(src, &z.rr))
            .map(|t| t.trim_end_matches('.').to_ascii_lowercase());
        match next {
            Some(t) if t != owner && t != at => at = t,
            _ => break,
        }
    }
    at
}

fn lint_zone_for(src: &[u8], mode: Option<mta_sts::Mode>, only_domain: Option<(&str, &[String])>) -> Report {
    let only = only_domain.map(|(d, _)| d);
    let unanswered: &[String] = only_domain.map_or(&[], |(_, u)| u);
    let rrs = zone::parse(src);
    let mut sink = diagnostic::Sink::new();
    let mut names: Vec<String> = Vec::new();
    if let Some(d) = only {
        names.push(d.to_string());
    }
    for z in rrs.iter().filter(|_| only.is_none()) {
        let domain = z
            .name
            .strip_prefix("_mta-sts.")
            .or_else(|| z.name.strip_prefix("_smtp._tls."))
            .unwrap_or(if z.rr.rtype == "MX" { z.name.as_str() } else { "" });
        if !domain.is_empty() && !names.iter().any(|n| n == domain) {
            names.push(domain.to_string());
        }
    }
    let txt_at = |owner: &str| -> Vec<txt::TxtRecord> {
        rrs.iter()
            .filter(|z| z.rr.rtype == "TXT" && z.name == owner)
            .map(|z| txt::presentation(src, z.rr.rdata))
            .collect()
    };
    let mut facts = Vec::new();
    let mut summary = Vec::new();
    for domain in names {
        // In a zone file a CNAME delegates the record elsewhere (RFC 8461 §8.2): present,
        // judged there. One domain's answers carry the chain: judge its end.
        let answer_owner = |owner: String| match only {
            Some(_) => cname_chain_end(src, &rrs, &owner),
            None => owner,
        };
        let sts_records = txt_at(&answer_owner(format!("_mta-sts.{domain}")));
        let tlsrpt_records = txt_at(&answer_owner(format!("_smtp._tls.{domain}")));
        let cname_at = |owner: String| rrs.iter().any(|z| z.rr.rtype == "CNAME" && z.name == owner);
        let sts_delegated = only.is_none() && cname_at(format!("_mta-sts.{domain}"));
        let tlsrpt_delegated = only.is_none() && cname_at(format!("_smtp._tls.{domain}"));
        let sts_present = sts_records.iter().any(|r| proto::STS.looks_like(&r.data)) || sts_delegated;
        // One domain's answers: an empty RRset is itself a finding (`*-NOT-FOUND`), shown
        // at the comment line that records the question.
        let judge_set =
            |proto: &'static Proto, owner: String, records: Vec<txt::TxtRecord>, sink: &mut diagnostic::Sink| {
                if records.is_empty() && (only.is_none() || unanswered.contains(&owner)) {
                    return None;
                }
                let empty = records.is_empty();
                let chosen = lint_txt(proto, src, records, sink);
                if empty {
                    let line = answer_comment(src, &owner).unwrap_or(Span::new(0, 0));
                    for d in &mut sink.diagnostics {
                        d.span = line;
                        d.severity = Severity::Info;
                        d.message = format!("`{owner}` has no TXT record: senders see no {} record", proto.name);
                    }
                }
                chosen
            };
        let mut local = diagnostic::Sink::new();
        let sts = judge_set(&proto::STS, format!("_mta-sts.{domain}"), sts_records, &mut local);
        let sts_ok = !has_error(&local);
        let mut local_t = diagnostic::Sink::new();
        let tlsrpt = judge_set(
            &proto::TLSRPT,
            format!("_smtp._tls.{domain}"),
            tlsrpt_records,
            &mut local_t,
        );
        let tlsrpt_ok = !has_error(&local_t);
        sink.diagnostics
            .extend(local.diagnostics.into_iter().chain(local_t.diagnostics));
        let mx: Vec<String> = rrs
            .iter()
            .filter(|z| z.rr.rtype == "MX" && z.name == domain)
            .filter_map(|z| zone::mx_exchange(src, &z.rr))
            .filter(|ex| ex != ".") // a null MX (RFC 7505) takes no mail
            .collect();
        let sts_id = sts.filter(|_| sts_ok).and_then(|r| sts_value(&r)).map(|v| v.id);
        let tlsrpt_rua = tlsrpt.filter(|_| tlsrpt_ok).map(|r| tlsrpt_value(&r).rua);
        facts.push(rules::deployment::DomainFacts {
            domain: domain.clone(),
            sts_valid: sts_id.is_some(),
            sts_present,
            tlsrpt_valid: tlsrpt_rua.is_some() || tlsrpt_delegated,
            mx: mx.clone(),
        });
        summary.push(ZoneDomain {
            domain,
            sts_id,
            tlsrpt_rua,
            mx,
        });
    }
    let cx = rules::deployment::DeploymentCx {
        src,
        rrs: &rrs,
        domains: &facts,
        mode,
    };
    rules::deployment::check_all(&cx, &mut sink);
    let valid = !has_error(&sink);
    let parsed = valid.then_some(Parsed::Zone(ZoneSummary { domains: summary }));
    finish(Kind::Zone, src, sink, valid, parsed)
}

fn has_error(sink: &diagnostic::Sink) -> bool {
    sink.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

fn sts_value(rec: &txt::TxtRecord) -> Option<StsRecord> {
    let t = proto::STS.tokenize(&rec.data);
    let cx = RecordCx {
        proto: &proto::STS,
        rec,
        data: &rec.data,
        t: &t,
    };
    let id = cx.named("id").next()?;
    Some(StsRecord {
        id: String::from_utf8_lossy(cx.text(id.value)).into_owned(),
    })
}

fn tlsrpt_value(rec: &txt::TxtRecord) -> TlsRptRecord {
    let t = proto::TLSRPT.tokenize(&rec.data);
    let cx = RecordCx {
        proto: &proto::TLSRPT,
        rec,
        data: &rec.data,
        t: &t,
    };
    let rua = cx
        .named("rua")
        .flat_map(|f| tlsrpt::rua::parse_list(cx.data, f.value))
        .map(|u| String::from_utf8_lossy(&u.text).into_owned())
        .collect();
    TlsRptRecord { rua }
}

/// Run set rules over the RRset and record rules over each record meant for the
/// protocol, adding findings to `sink`. Returns the one candidate, if exactly one.
fn lint_txt(
    proto: &'static Proto,
    src: &[u8],
    records: Vec<txt::TxtRecord>,
    sink: &mut diagnostic::Sink,
) -> Option<txt::TxtRecord> {
    let (check_record, check_set): (RecordChecks, SetChecks) = if std::ptr::eq(proto, &proto::STS) {
        (rules::sts::check_record, rules::sts::check_set)
    } else {
        (rules::tlsrpt::check_record, rules::tlsrpt::check_set)
    };
    let roles = proto.roles(&records);
    check_set(
        &SetCx {
            proto,
            src,
            records: &records,
            roles: &roles,
        },
        sink,
    );
    for (rec, role) in records.iter().zip(&roles) {
        if *role == Role::Unrelated {
            continue;
        }
        let t = proto.tokenize(&rec.data);
        let mut local = diagnostic::Sink::new();
        check_record(
            &RecordCx {
                proto,
                rec,
                data: &rec.data,
                t: &t,
            },
            &mut local,
        );
        for mut d in local.diagnostics {
            d.span = rec.span_to_source(d.span);
            if let Some(fix) = &mut d.fix {
                fix.edits = fix.edits.iter().map(|e| rec.edit_to_source(e)).collect();
            }
            if *role == Role::Discarded && d.severity == Severity::Error {
                d.severity = Severity::Warning;
                d.message.push_str(&format!(
                    " (senders discard this record: with several TXT records, only those beginning with `{}` count)",
                    text::show(proto.prefix)
                ));
            }
            sink.diagnostics.push(d);
        }
        sink.suppressed += local.suppressed;
    }
    let mut candidates = records
        .into_iter()
        .zip(roles)
        .filter(|(_, r)| *r == Role::Candidate)
        .map(|(rec, _)| rec);
    let first = candidates.next();
    if candidates.next().is_none() { first } else { None }
}

type RecordChecks = fn(&RecordCx<'_>, &mut diagnostic::Sink);
type SetChecks = fn(&SetCx<'_>, &mut diagnostic::Sink);

fn finish(kind: Kind, src: &[u8], sink: diagnostic::Sink, valid: bool, parsed: Option<Parsed>) -> Report {
    let suppressed = sink.suppressed;
    let mut diagnostics = sink.into_vec();
    diagnostic::locate(src, &mut diagnostics);
    Report {
        kind,
        valid,
        parsed,
        diagnostics,
        suppressed,
    }
}

/// Apply every certain fix, repeating until nothing changes (at most a few rounds), and
/// return the fixed input.
pub fn fix_all(kind: Kind, src: &[u8], mx: Option<&[MxHost]>) -> Vec<u8> {
    let mut current = src.to_vec();
    for _ in 0..8 {
        let report = match kind {
            Kind::Policy => lint_policy(&current, mx),
            other => lint(other, &current),
        };
        let (next, applied) = apply_fixes(&current, &report.diagnostics);
        if applied == 0 || next == current {
            break;
        }
        current = next;
    }
    current
}
