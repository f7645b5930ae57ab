//! The worker's side: run a [`Request`] with the engine and answer with the view model.

use crate::model::{
    Answer, CheckView, FindingView, Level, MX_PROBE_UNAVAILABLE, MarkedLine, Request, StepStatus, StepView,
};
use mtasts_check::Step;
use mtasts_core::check::{self, CheckEvidence, DnsAnswer, Source};
use mtasts_core::fetch::{Certificate, ErrorKind, FetchEvidence};
use mtasts_core::{Diagnostic, Severity};

/// Run `request`, telling `post` each answer: a live check's events as they come and its
/// judged result, or a snapshot's judged result.
pub async fn handle(request: Request, post: &dyn Fn(Answer)) {
    match request {
        Request::Check {
            run,
            domain,
            resolver,
            api,
        } => {
            let result = live(run, &domain, &resolver, &api, post).await;
            post(Answer::Finished {
                run,
                result: result.map(|evidence| {
                    let json = serde_json::to_string(&evidence).unwrap_or_default();
                    Box::new(view_of(&evidence, json))
                }),
            });
        }
        Request::Snapshot { run, evidence_json } => post(Answer::Finished {
            run,
            result: judge_snapshot(&evidence_json).map(Box::new),
        }),
    }
}

#[cfg(target_arch = "wasm32")]
async fn live(
    run: u64,
    domain: &str,
    resolver: &str,
    api: &str,
    post: &dyn Fn(Answer),
) -> Result<CheckEvidence, String> {
    let http = crate::browser::BrowserHttp;
    let proxy = crate::browser::ProxySource { api: api.to_string() };
    let checked_at = (js_sys::Date::now() / 1000.0) as u64;
    let mut on_event = |event| post(answer_of(run, event));
    let mut evidence = mtasts_check::run(domain, &http, resolver, Ok(&proxy), Some(checked_at), &mut on_event).await?;
    evidence.mx_probe_unavailable = Some(MX_PROBE_UNAVAILABLE.to_string());
    Ok(evidence)
}

/// Natively the engine is only tested: there is no browser to check from.
#[cfg(not(target_arch = "wasm32"))]
async fn live(
    _run: u64,
    _domain: &str,
    _resolver: &str,
    _api: &str,
    _post: &dyn Fn(Answer),
) -> Result<CheckEvidence, String> {
    Err("the live check runs in a browser only".to_string())
}

/// A running check's event, as the answer the page hears.
pub fn answer_of(run: u64, event: mtasts_check::Event) -> Answer {
    match event {
        mtasts_check::Event::StepDone {
            step,
            failure,
            elapsed_ms,
        } => Answer::StepDone {
            run,
            step: step_index(step),
            failure,
            elapsed_ms,
        },
        mtasts_check::Event::Finding { source, diagnostic } => Answer::Finding {
            run,
            finding: finding_view(source, &diagnostic),
        },
    }
}

/// `step`'s index in `Step::ALL` (and so in [`STEP_LABELS`]).
pub fn step_index(step: Step) -> usize {
    Step::ALL.iter().position(|&s| s == step).unwrap_or(0)
}

/// A permalink's evidence snapshot, judged. The view keeps the JSON as given, so the link
/// made from it is the link it came from.
pub fn judge_snapshot(evidence_json: &str) -> Result<CheckView, String> {
    let mut evidence: CheckEvidence = serde_json::from_str(evidence_json).map_err(|e| e.to_string())?;
    // Snapshots from before the page said so: a page never probes the MX hosts.
    if evidence.mx_probe_unavailable.is_none() {
        evidence.mx_probe_unavailable = Some(MX_PROBE_UNAVAILABLE.to_string());
    }
    Ok(view_of(&evidence, evidence_json.to_string()))
}

/// Judge `evidence` and make the view of it; `evidence_json` is what a link carries.
pub fn view_of(evidence: &CheckEvidence, evidence_json: String) -> CheckView {
    let report = check::judge(evidence);
    let findings: Vec<FindingView> = report
        .findings()
        .into_iter()
        .map(|(source, d)| finding_view(source, d))
        .collect();
    let dns_findings: Vec<&Diagnostic> = report.dns.diagnostics.iter().collect();
    let policy_findings: Vec<&Diagnostic> = report
        .fetch
        .iter()
        .flat_map(|f| f.policy.iter())
        .flat_map(|p| p.diagnostics.iter())
        .collect();
    let policy = evidence
        .fetch
        .as_ref()
        .and_then(FetchEvidence::body_bytes)
        .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
    CheckView {
        domain: report.domain.clone(),
        verdict: report.verdict,
        reasons: report.reasons.clone(),
        mode: report.mode.map(|m| m.as_str().to_string()),
        sts_id: report.sts_id.clone(),
        dnssec: report.dnssec,
        resolver: evidence.resolver.clone(),
        checked_at: evidence.checked_at,
        steps: steps_of(evidence),
        findings,
        dns_lines: marked_lines(&report.dns_text, &dns_findings),
        fetch_facts: match &evidence.fetch {
            Some(fetch) => Ok(fetch_facts(fetch)),
            None => Err(evidence
                .fetch_unavailable
                .clone()
                .unwrap_or_else(|| "no fetch ran".to_string())),
        },
        policy_lines: policy
            .as_deref()
            .map(|body| marked_lines(body, &policy_findings))
            .unwrap_or_default(),
        policy,
        mx: report.mx.clone(),
        evidence_json,
    }
}

pub fn finding_view(source: Source, d: &Diagnostic) -> FindingView {
    FindingView {
        source,
        code: d.code().to_string(),
        severity: level(d.severity),
        message: d.message.clone(),
        line: d.line,
        fix: d.fix.as_ref().map(|f| f.title.clone()),
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Info => Level::Info,
        Severity::Warning => Level::Warning,
        Severity::Error => Level::Error,
    }
}

/// `text` line by line (CRs dropped), each with the findings that point at it.
fn marked_lines(text: &str, findings: &[&Diagnostic]) -> Vec<MarkedLine> {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| {
            let here: Vec<&&Diagnostic> = findings.iter().filter(|d| d.line == i + 1).collect();
            MarkedLine {
                text: line.trim_end_matches('\r').to_string(),
                codes: here.iter().map(|d| d.code().to_string()).collect(),
                worst: here.iter().map(|d| level(d.severity)).max(),
            }
        })
        .collect()
}

/// The steps as the evidence shows them (a snapshot, or steps whose event never came).
pub fn steps_of(evidence: &CheckEvidence) -> Vec<StepView> {
    let name = mtasts_check::run::domain_name(&evidence.domain).unwrap_or_else(|_| evidence.domain.clone());
    let qs = check::questions(&name);
    Step::ALL
        .iter()
        .map(|&step| {
            let (status, elapsed_ms) = match step {
                Step::Dns(purpose) => {
                    let answers: Vec<&DnsAnswer> = qs
                        .iter()
                        .filter(|q| q.purpose == purpose)
                        .filter_map(|q| evidence.answer(&q.name, q.rtype))
                        .collect();
                    let status = if answers.is_empty() {
                        StepStatus::Pending
                    } else {
                        match answers.iter().find_map(|a| a.failure()) {
                            Some(why) => StepStatus::Failed(why),
                            None => StepStatus::Done,
                        }
                    };
                    (status, answers.iter().filter_map(|a| a.elapsed_ms).max())
                }
                Step::Fetch => match (&evidence.fetch, &evidence.fetch_unavailable) {
                    (Some(f), _) => (
                        f.error
                            .as_ref()
                            .map_or(StepStatus::Done, |e| StepStatus::Failed(e.message.clone())),
                        f.timings_ms.as_ref().and_then(|t| t.total),
                    ),
                    (None, Some(why)) => (StepStatus::Failed(why.clone()), None),
                    (None, None) => (StepStatus::Pending, None),
                },
            };
            StepView { status, elapsed_ms }
        })
        .collect()
}

/// The proxy API's answer: evidence, or the proxy's reason for refusing, or why this is not
/// the API at all (a static server without it answers 404 or a page).
pub fn read_proxy_reply(
    api: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<FetchEvidence, String> {
    let media = content_type.unwrap_or("no Content-Type");
    let json = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("application/json");
    if !json {
        return Err(format!("no proxy answered at {api}: HTTP {status} ({media})"));
    }
    if status == 200 {
        return serde_json::from_slice(body)
            .map_err(|e| format!("the proxy at {api} answered JSON that is not fetch evidence: {e}"));
    }
    #[derive(serde::Deserialize)]
    struct ApiError {
        error: String,
    }
    match serde_json::from_slice::<ApiError>(body) {
        Ok(refusal) => Err(format!("the proxy did not fetch the policy: {}", refusal.error)),
        Err(_) => Err(format!("no proxy answered at {api}: HTTP {status}")),
    }
}

/// The fetch's facts as the evidence panel lists them: (name, value).
fn fetch_facts(f: &FetchEvidence) -> Vec<(String, String)> {
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(url) = &f.url {
        rows.push(("URL", url.clone()));
    }
    if let Some(dns) = &f.dns {
        let addresses = dns
            .addresses
            .iter()
            .map(|a| match &a.error {
                Some(e) => format!("{} ({e})", a.address),
                None => a.address.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        rows.push((
            "Addresses",
            if addresses.is_empty() { "none".into() } else { addresses },
        ));
        if let Some(e) = &dns.host_error {
            rows.push(("Address lookup", e.clone()));
        }
    }
    if let Some(e) = &f.error {
        let kind = match e.kind {
            ErrorKind::Dns => "DNS",
            ErrorKind::Connect => "connection",
            ErrorKind::Tls => "TLS",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Other => "other",
        };
        let alert = e
            .tls_alert
            .as_ref()
            .map(|a| format!(" (TLS alert {a})"))
            .unwrap_or_default();
        rows.push(("Failed", format!("{kind}: {}{alert}", e.message)));
    }
    if let Some(http) = &f.http {
        rows.push(("HTTP status", http.status.to_string()));
        let h = &http.headers;
        for (name, value) in [
            ("Content-Type", &h.content_type),
            ("Location", &h.location),
            ("Cache-Control", &h.cache_control),
        ] {
            if let Some(v) = value {
                rows.push((name, v.clone()));
            }
        }
    }
    if let Some(v) = &f.tls_version {
        rows.push(("TLS", v.clone()));
    }
    if let Some(c) = &f.certificate {
        certificate_rows(c, &mut rows);
    }
    if let Some(size) = f.body_size {
        let cut = if f.body_truncated { " (cut short)" } else { "" };
        rows.push(("Body", format!("{size} bytes{cut}")));
    }
    if let Some(t) = &f.timings_ms {
        let parts = [
            ("DNS", t.dns),
            ("connect", t.connect),
            ("TLS", t.tls),
            ("first byte", t.first_byte),
            ("total", t.total),
        ]
        .iter()
        .filter_map(|(what, ms)| ms.map(|ms| format!("{what} {ms} ms")))
        .collect::<Vec<_>>()
        .join(" · ");
        if !parts.is_empty() {
            rows.push(("Timings", parts));
        }
    }
    rows.into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

fn certificate_rows(c: &Certificate, rows: &mut Vec<(&'static str, String)>) {
    let yes_no = |v: Option<bool>, yes: &str, no: &str| v.map(|v| if v { yes } else { no }.to_string());
    if let Some(s) = &c.subject {
        rows.push(("Certificate subject", s.clone()));
    }
    if !c.sans.is_empty() {
        rows.push(("Certificate names", c.sans.join(", ")));
    }
    if let Some(s) = &c.issuer {
        rows.push(("Issuer", s.clone()));
    }
    if c.not_before.is_some() || c.not_after.is_some() {
        rows.push((
            "Valid",
            format!(
                "{} to {}",
                c.not_before.as_deref().unwrap_or("?"),
                c.not_after.as_deref().unwrap_or("?")
            ),
        ));
    }
    if let Some(v) = yes_no(c.valid_for_host, "yes", "NO") {
        rows.push(("Names the host", v));
    }
    if let Some(v) = yes_no(c.chains_to_trusted_root, "yes", "NO") {
        rows.push(("Trusted chain", v));
    }
    if let Some(v) = yes_no(c.revoked, "REVOKED", "not revoked") {
        rows.push(("Revocation", v));
    }
    if let Some(e) = &c.error {
        rows.push(("Certificate problem", e.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::evidence_without_proxy;
    use crate::model::{self, STEP_LABELS};
    use mtasts_core::check::Verdict;

    #[test]
    fn the_page_step_labels_agree_with_the_engine() {
        let labels: Vec<&str> = Step::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, model::STEP_LABELS);
    }

    #[test]
    fn a_snapshot_is_judged_with_its_steps_findings_and_marks() {
        let evidence = evidence_without_proxy();
        let json = serde_json::to_string(&evidence).unwrap();
        let view = judge_snapshot(&json).unwrap();
        assert_eq!(view.verdict, Verdict::Incomplete);
        assert_eq!(
            view.evidence_json, json,
            "the link made from it is the link it came from"
        );
        assert_eq!(view.steps.len(), STEP_LABELS.len());
        assert_eq!(
            view.steps[step_index(Step::Fetch)].status,
            StepStatus::Failed("no proxy answered at /api/v1/policy: HTTP 404".into())
        );
        assert_eq!(
            view.steps[0],
            StepView {
                status: StepStatus::Done,
                elapsed_ms: Some(12)
            }
        );
        assert_eq!(
            view.fetch_facts,
            Err("no proxy answered at /api/v1/policy: HTTP 404".into())
        );
        assert_eq!((view.policy.as_deref(), view.policy_lines.len()), (None, 0));
        // Every DNS finding marks its line, and the lines are the zone text's.
        assert!(view.dns_lines.iter().any(|l| l.text.contains("v=STSv1")));
        for f in view.findings.iter().filter(|f| f.source == Source::Dns) {
            assert!(view.dns_lines[f.line - 1].codes.contains(&f.code), "{f:?}");
        }
        // The snapshot judged as the engine does, with the MX probe's absence explained.
        let mut probed = evidence.clone();
        probed.mx_probe_unavailable = Some(MX_PROBE_UNAVAILABLE.into());
        assert_eq!(view.reasons, check::judge(&probed).reasons);
        let findings: Vec<FindingView> = check::judge(&probed)
            .findings()
            .into_iter()
            .map(|(s, d)| finding_view(s, d))
            .collect();
        assert_eq!(view.findings, findings);
    }

    #[test]
    fn a_snapshot_of_a_configured_domain_says_the_mx_hosts_were_not_probed() {
        let view = judge_snapshot(&serde_json::to_string(&evidence_without_proxy()).unwrap()).unwrap();
        assert!(
            view.reasons
                .iter()
                .any(|r| r.contains("a web page cannot open SMTP connections to port 25")),
            "{:?}",
            view.reasons
        );
    }

    #[test]
    fn damaged_snapshots_and_proxy_replies_say_why() {
        assert!(judge_snapshot("{not json").is_err());
        // Unknown fields are ignored and missing ones take their defaults.
        let sparse = judge_snapshot(r#"{"domain":"a.example","new":1}"#).unwrap();
        assert_eq!(sparse.domain, "a.example");
        let api = "/api/v1/policy";
        let refused = read_proxy_reply(api, 400, Some("application/json"), br#"{"error":"refused"}"#);
        assert_eq!(refused.unwrap_err(), "the proxy did not fetch the policy: refused");
        let page = read_proxy_reply(api, 404, Some("text/html"), b"<p>no");
        assert_eq!(
            page.unwrap_err(),
            "no proxy answered at /api/v1/policy: HTTP 404 (text/html)"
        );
        let junk = read_proxy_reply(api, 200, Some("application/json; charset=utf-8"), b"[1]");
        assert!(junk.unwrap_err().contains("not fetch evidence"));
    }

    #[test]
    fn answers_and_requests_survive_the_message() {
        let view = judge_snapshot(&serde_json::to_string(&evidence_without_proxy()).unwrap()).unwrap();
        let answer = Answer::Finished {
            run: 7,
            result: Ok(Box::new(view)),
        };
        assert_eq!(Answer::from_bytes(&answer.to_bytes()).unwrap(), answer);
        let request = Request::Check {
            run: 1,
            domain: "example.com".into(),
            resolver: model::RESOLVERS[0].1.into(),
            api: "/api/v1/policy".into(),
        };
        assert_eq!(Request::from_bytes(&request.to_bytes()).unwrap(), request);
        assert!(Answer::from_bytes(&[0xff, 0xff]).is_err());
    }
}
