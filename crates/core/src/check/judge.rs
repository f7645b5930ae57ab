//! From a check's evidence to findings and one verdict.

use super::{CheckEvidence, DnsAnswer, DnsRecord, Purpose, RType};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fetch::{FetchReport, judge_fetch};
use crate::mta_sts::Mode;
use crate::probe::{ProbeReport, judge_mx_probe};
use crate::rule::Subject;
use crate::rules::mx::MxHost;
use crate::txt::proto;
use crate::{Parsed, Report};
use serde::{Deserialize, Serialize};

/// What a conforming sender makes of the domain, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// MTA-STS in mode `enforce`, and every part works.
    EnforceWorking,
    /// MTA-STS in mode `testing`: senders deliver anyway and report failures.
    Testing,
    /// No MTA-STS (no `_mta-sts` record, or mode `none`): senders use opportunistic TLS.
    NotConfigured,
    /// Something the check needed could not be looked up or fetched; what was seen is
    /// reported, the rest is unknown.
    Incomplete,
    /// MTA-STS is published but a sender cannot use it as meant, or it will stop mail.
    Broken,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::EnforceWorking => "enforce and working",
            Verdict::Testing => "testing",
            Verdict::NotConfigured => "not configured",
            Verdict::Incomplete => "incomplete",
            Verdict::Broken => "broken",
        }
    }
}

/// Which evidence a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The DNS answers ([`CheckEvidence::dns_text`]; spans point into it).
    Dns,
    /// The HTTPS fetch (no span).
    Fetch,
    /// The fetched policy body (spans point into it), with the MX hosts held against it.
    Policy,
    /// An SMTP probe of one MX host (no span; the message names the host).
    Mx,
}

/// The judged check.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// The domain in A-label form, lower case.
    pub domain: String,
    pub verdict: Verdict,
    /// Why, the reason that matters most first; never empty.
    pub reasons: Vec<String>,
    /// [`CheckEvidence::dns_text`]: what the DNS findings point into.
    pub dns_text: String,
    /// Findings over the DNS answers: the two records, where records live, TLS-RPT.
    pub dns: Report,
    /// The fetch, when one ran; its `policy` was linted against the MX hosts.
    pub fetch: Option<FetchReport>,
    /// The MX exchanges, when the MX lookup worked.
    pub mx: Option<Vec<String>>,
    /// The valid `_mta-sts` record's id.
    pub sts_id: Option<String>,
    /// The valid policy's mode.
    pub mode: Option<Mode>,
    /// Every DNS answer carried the AD bit.
    pub dnssec: bool,
    /// The SMTP probe of each MX host, when probes ran.
    pub mx_probes: Vec<ProbeReport>,
}

impl CheckReport {
    /// The reason that matters most.
    pub fn headline(&self) -> &str {
        self.reasons.first().map_or("", String::as_str)
    }

    /// Every finding with where it points: DNS, then fetch, then policy, then MX probes.
    pub fn findings(&self) -> Vec<(Source, &Diagnostic)> {
        let dns = self.dns.diagnostics.iter().map(|d| (Source::Dns, d));
        let fetch = self
            .fetch
            .iter()
            .flat_map(|f| f.diagnostics.iter().map(|d| (Source::Fetch, d)));
        let policy = self
            .fetch
            .iter()
            .flat_map(|f| f.policy.iter())
            .flat_map(|p| p.diagnostics.iter().map(|d| (Source::Policy, d)));
        let probes = self
            .mx_probes
            .iter()
            .flat_map(|p| p.diagnostics.iter().map(|d| (Source::Mx, d)));
        dns.chain(fetch).chain(policy).chain(probes).collect()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings().iter().filter(|(_, d)| d.severity == severity).count()
    }
}

/// Judge a check's evidence.
pub fn judge(e: &CheckEvidence) -> CheckReport {
    let domain = crate::mx::normalize_host(&e.domain).unwrap_or_else(|| e.domain.trim().to_ascii_lowercase());
    let dns_text = e.dns_text();
    let sts_answer = e.answer(&format!("_mta-sts.{domain}"), RType::TXT);
    let sts_records = sts_answer.map(|a| records_of(a, "TXT")).unwrap_or_default();
    let sts_src = sts_records
        .iter()
        .map(|r| r.data.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let sts_present = crate::txt::records(sts_src.as_bytes())
        .iter()
        .any(|r| proto::STS.looks_like(&r.data));
    let sts_id = match crate::lint_sts(sts_src.as_bytes()).parsed {
        Some(Parsed::Sts(s)) if sts_present => Some(s.id),
        _ => None,
    };

    let mx_answer = e.answer(&domain, RType::MX);
    let mx: Option<Vec<String>> = mx_answer.filter(|a| a.conclusive()).map(|a| {
        records_of(a, "MX")
            .iter()
            .filter_map(|r| r.data.split_whitespace().nth(1).map(str::to_string))
            .collect()
    });

    let fetch = e.fetch.as_ref().map(|f| {
        let mut f = f.clone();
        if f.txt_found.is_none() && sts_answer.is_some_and(DnsAnswer::conclusive) {
            f.txt_found = Some(sts_id.is_some());
            f.txt_id = f.txt_id.or_else(|| sts_id.clone());
        }
        let mut report = judge_fetch(&f);
        if let (Some(hosts), Some(_), Some(body)) = (&mx, &report.policy, f.body_bytes()) {
            let hosts: Vec<MxHost> = hosts.iter().map(|h| MxHost::new(h)).collect();
            report.policy = Some(crate::lint_policy(&body, Some(&hosts)));
        }
        report
    });
    let mode = fetch
        .as_ref()
        .and_then(|f| f.policy.as_ref())
        .and_then(|p| match &p.parsed {
            Some(Parsed::Policy(p)) => Some(p.mode),
            _ => None,
        });
    let unanswered: Vec<String> = e
        .dns
        .iter()
        .filter(|a| a.rtype == Some(RType::TXT) && a.failure().is_some())
        .map(|a| a.name.to_ascii_lowercase())
        .collect();
    let dns = crate::lint_zone_domain(dns_text.as_bytes(), mode, &domain, &unanswered);
    let dnssec = !e.dns.is_empty() && e.dns.iter().all(|a| a.authenticated);
    let mx_probes = e.mx_probes.iter().map(|p| judge_mx_probe(p, mode)).collect();

    let mut report = CheckReport {
        domain,
        verdict: Verdict::Incomplete,
        reasons: Vec::new(),
        dns_text,
        dns,
        fetch,
        mx,
        sts_id,
        mode,
        dnssec,
        mx_probes,
    };
    let (verdict, headline) = decide(e, &report, sts_answer, sts_present, mx_answer);
    report.verdict = verdict;
    report.reasons = reasons(&report, headline, e.mx_probe_unavailable.as_deref());
    report
}

/// The records of type `rtype` in an answer (the end of a CNAME chain).
fn records_of<'a>(a: &'a DnsAnswer, rtype: &str) -> Vec<&'a DnsRecord> {
    a.records
        .iter()
        .filter(|r| r.rtype.eq_ignore_ascii_case(rtype))
        .collect()
}

fn first_error<'a>(
    findings: &[(Source, &'a Diagnostic)],
    pick: impl Fn(&Diagnostic) -> bool,
) -> Option<&'a Diagnostic> {
    findings
        .iter()
        .map(|(_, d)| *d)
        .find(|d| d.severity == Severity::Error && pick(d))
}

fn decide(
    e: &CheckEvidence,
    r: &CheckReport,
    sts_answer: Option<&DnsAnswer>,
    sts_present: bool,
    mx_answer: Option<&DnsAnswer>,
) -> (Verdict, String) {
    let d = &r.domain;
    let findings = r.findings();
    let subject = |s: Subject| move |x: &Diagnostic| x.rule.subject == s;
    let Some(sts_answer) = sts_answer else {
        return (Verdict::Incomplete, format!("`_mta-sts.{d}` was not looked up"));
    };
    if let Some(why) = sts_answer.failure() {
        return (Verdict::Incomplete, format!("could not look up `_mta-sts.{d}`: {why}"));
    }
    let served = r
        .fetch
        .as_ref()
        .and_then(|f| f.policy.as_ref())
        .is_some_and(|p| p.valid);
    if !sts_present {
        if served {
            return (
                Verdict::Broken,
                format!(
                    "`mta-sts.{d}` serves a policy, but there is no `v=STSv1` record at `_mta-sts.{d}`, so senders never fetch it: publish the TXT record"
                ),
            );
        }
        return (
            Verdict::NotConfigured,
            format!("no MTA-STS: `_mta-sts.{d}` has no `v=STSv1` record, so senders use opportunistic TLS"),
        );
    }
    if let Some(x) = first_error(&findings, subject(Subject::StsRecord)) {
        return (
            Verdict::Broken,
            format!("the `_mta-sts` record is unusable: {}", x.message),
        );
    }
    if r.sts_id.is_none() {
        return (
            Verdict::Broken,
            format!("`_mta-sts.{d}` has no usable `v=STSv1` record"),
        );
    }
    // The fetch looked up the policy host too; if this resolver could not, a failed fetch
    // may be the lookup's fault, not the domain's.
    let host = format!("mta-sts.{d}");
    let host_answers: Vec<&DnsAnswer> = [RType::A, RType::AAAA]
        .into_iter()
        .filter_map(|t| e.answer(&host, t))
        .collect();
    if !host_answers.is_empty()
        && host_answers.iter().all(|a| a.failure().is_some())
        && let Some(why) = host_answers.iter().find_map(|a| a.failure())
    {
        return (Verdict::Incomplete, format!("could not look up `{host}`: {why}"));
    }
    let Some(fetch) = &r.fetch else {
        let why = e.fetch_unavailable.as_deref().unwrap_or("it was not requested");
        return (
            Verdict::Incomplete,
            format!("the DNS record is in place, but the policy was not fetched: {why}"),
        );
    };
    if let Some(x) = first_error(&findings, subject(Subject::Fetch)) {
        return (Verdict::Broken, format!("senders get no usable policy: {}", x.message));
    }
    let Some(policy) = &fetch.policy else {
        return (
            Verdict::Broken,
            format!("no policy body was received from {}", fetch.url),
        );
    };
    if !policy.valid {
        let why =
            first_error(&findings, subject(Subject::Policy)).map_or_else(|| policy.summary(), |x| x.message.clone());
        return (Verdict::Broken, format!("senders reject the policy: {why}"));
    }
    if r.mode == Some(Mode::None) {
        return (
            Verdict::NotConfigured,
            format!("the policy has mode `none`: `{d}` is opting out of MTA-STS, and senders drop cached policies"),
        );
    }
    if let Some(x) = first_error(&findings, subject(Subject::MxMatch)) {
        // Testing mode never refuses mail (RFC 8461 §5): finding this is what it is for.
        if r.mode == Some(Mode::Testing) {
            return (
                Verdict::Testing,
                format!(
                    "testing mode: mail still flows, but switching to enforce now would stop it: {}",
                    x.message
                ),
            );
        }
        return (
            Verdict::Broken,
            format!("mail would not be delivered as meant: {}", x.message),
        );
    }
    if let Some(x) = first_error(&findings, |x| x.rule.subject != Subject::TlsRptRecord) {
        return (Verdict::Broken, x.message.clone());
    }
    if let Some(why) = mx_answer
        .and_then(DnsAnswer::failure)
        .or_else(|| mx_answer.is_none().then(|| "not looked up".into()))
    {
        return (
            Verdict::Incomplete,
            format!("the policy is valid, but the MX hosts could not be checked against it: {why}"),
        );
    }
    match r.mode {
        Some(Mode::Enforce) => (
            Verdict::EnforceWorking,
            format!("MTA-STS is enforced for `{d}`: senders deliver only over verified TLS to the listed MX hosts"),
        ),
        _ => (
            Verdict::Testing,
            format!("MTA-STS is in testing mode for `{d}`: senders report TLS failures but deliver anyway"),
        ),
    }
}

/// The headline, then every other error and warning, once each.
fn reasons(r: &CheckReport, headline: String, mx_probe_unavailable: Option<&str>) -> Vec<String> {
    let mut out = vec![headline];
    let findings = r.findings();
    for severity in [Severity::Error, Severity::Warning] {
        for (_, d) in findings.iter().filter(|(_, d)| d.severity == severity) {
            if !out.iter().any(|o| o.contains(&d.message)) {
                out.push(format!("{}: {}", d.rule.code, d.message));
            }
        }
    }
    if let Some(why) = mx_probe_unavailable
        && r.sts_id.is_some()
    {
        out.push(format!(
            "the MX hosts' STARTTLS and certificates were not checked: {why}"
        ));
    }
    out
}

/// Which findings a step's evidence settles: a finding about `subject` is final once the
/// answers and fetch it depends on are in (used to stream findings before the end).
pub fn settled(subject: Subject, done: &dyn Fn(Purpose) -> bool, fetched: bool) -> bool {
    match subject {
        Subject::StsRecord => done(Purpose::StsRecord),
        Subject::TlsRptRecord => done(Purpose::TlsRptRecord),
        Subject::Fetch | Subject::Policy => fetched && done(Purpose::StsRecord),
        Subject::MxMatch => fetched && done(Purpose::Mx),
        Subject::Deployment => {
            fetched
                && [
                    Purpose::StsRecord,
                    Purpose::TlsRptRecord,
                    Purpose::Mx,
                    Purpose::PolicyHost,
                    Purpose::WrongPlaces,
                ]
                .into_iter()
                .all(done)
        }
    }
}
