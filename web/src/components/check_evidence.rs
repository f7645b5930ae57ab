use crate::components::editor::severity_class;
use crate::state::{Action, CheckResult};
use mtasts_core::fetch::{Certificate, ErrorKind, FetchEvidence};
use mtasts_core::{Diagnostic, Kind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckEvidencePanelProps {
    pub result: CheckResult,
    pub dispatch: Callback<Action>,
}

/// The raw evidence: the DNS answers with the DNS findings on their lines, the HTTP
/// response and certificate, and the policy body with its findings.
#[component(CheckEvidencePanel)]
pub fn check_evidence_panel(props: &CheckEvidencePanelProps) -> Html {
    let report = &props.result.report;
    let evidence = &props.result.evidence;
    let dns_findings: Vec<&Diagnostic> = report.dns.diagnostics.iter().collect();
    let policy_findings: Vec<&Diagnostic> = report
        .fetch
        .iter()
        .flat_map(|f| f.policy.iter())
        .flat_map(|p| p.diagnostics.iter())
        .collect();
    let body = evidence
        .fetch
        .as_ref()
        .and_then(FetchEvidence::body_bytes)
        .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
    let open_in_linter = body.clone().map(|text| {
        let mx = report.mx.as_ref().map(|hosts| hosts.join(", "));
        props.dispatch.reform(move |_: MouseEvent| Action::OpenInLinter {
            text: text.clone(),
            kind: Some(Kind::Policy),
            mx: mx.clone(),
            zone_mode: None,
        })
    });
    html! {
        <section class="check-evidence" aria-labelledby="check-evidence-title" data-testid="check-evidence">
            <h2 id="check-evidence-title">{ "Evidence" }</h2>
            <details open=true>
                <summary>{ "DNS answers" }
                    if let Some(resolver) = &evidence.resolver {
                        <span class="evidence-note">{ format!(" from {resolver}") }</span>
                    }
                </summary>
                { marked_text(&report.dns_text, &dns_findings, "dns") }
            </details>
            <details open=true>
                <summary>{ "Policy fetch (HTTPS)" }</summary>
                { fetch_facts(evidence.fetch.as_ref(), evidence.fetch_unavailable.as_deref()) }
            </details>
            if let Some(body) = body {
                <details open=true>
                    <summary>{ "Policy file" }</summary>
                    { marked_text(&body, &policy_findings, "policy") }
                    if let Some(onclick) = open_in_linter {
                        <button type="button" class="button button-small" data-testid="check-open-in-linter" {onclick}>
                            { "Open policy in linter" }
                        </button>
                    }
                </details>
            }
        </section>
    }
}

/// `text` line by line; lines that findings point at are marked and name their codes.
fn marked_text(text: &str, findings: &[&Diagnostic], name: &'static str) -> Html {
    html! {
        <div class="evidence-text" data-testid={format!("check-{name}-text")} tabindex="0"
            aria-label={format!("{name} text with findings marked")}>
            { for text.split('\n').enumerate().map(|(i, line)| {
                let number = i + 1;
                let here: Vec<&&Diagnostic> = findings.iter().filter(|d| d.line == number).collect();
                let worst = here.iter().map(|d| d.severity).max();
                let codes = here.iter().map(|d| d.code()).collect::<Vec<_>>().join(" ");
                html! {
                    <div class={classes!("evidence-line", worst.map(severity_class), worst.map(|_| "marked"))}
                        data-testid={format!("{name}-line")} data-line={number.to_string()}
                        data-codes={(!codes.is_empty()).then(|| codes.clone())}>
                        <span class="evidence-line-text">{ line.trim_end_matches('\r') }</span>
                        if !codes.is_empty() {
                            <span class="evidence-line-codes">{ format!("↑ {}", codes.replace(' ', ", ")) }</span>
                        }
                    </div>
                }
            }) }
        </div>
    }
}

fn fetch_facts(fetch: Option<&FetchEvidence>, unavailable: Option<&str>) -> Html {
    let Some(f) = fetch else {
        return html! {
            <p class="evidence-missing" data-testid="check-fetch-missing">
                { format!("Not fetched: {}", unavailable.unwrap_or("no fetch ran")) }
            </p>
        };
    };
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
    html! {
        <dl class="evidence-facts" data-testid="check-fetch-facts">
            { for rows.into_iter().map(|(name, value)| html! {
                <><dt>{ name }</dt><dd data-fact={name}>{ value }</dd></>
            }) }
        </dl>
    }
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
