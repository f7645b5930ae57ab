use crate::state::LintResult;
use mtasts_core::{Kind, Severity};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SummaryCardProps {
    pub result: Option<Rc<LintResult>>,
    /// The text changed since this report: a new one is on its way.
    pub stale: bool,
}

/// What a sending server would conclude, in words (`Report::summary`).
#[component(SummaryCard)]
pub fn summary_card(props: &SummaryCardProps) -> Html {
    let Some(result) = props.result.clone() else {
        return html! {
            <p class="summary-empty" data-testid="lint-empty">
                { "Paste an MTA-STS policy file, _mta-sts or _smtp._tls TXT records, or a zone file or dig output to see what a sending server would make of it." }
            </p>
        };
    };
    let report = &result.report;
    let valid = report.valid;
    let counts = [Severity::Error, Severity::Warning, Severity::Info]
        .map(|s| plural(report.count(s), s.as_str()))
        .join(", ");
    let read_as = format!(
        "Read as {}{}",
        kind_name(result.kind),
        if result.detected { " (detected)" } else { "" }
    );
    html! {
        <div class={classes!("summary", if valid { "valid" } else { "invalid" }, props.stale.then_some("stale"))}>
            <p class="summary-card" data-testid="lint-summary" data-valid={valid.to_string()} role="status" aria-live="polite">
                { report.summary() }
            </p>
            <p class="summary-meta">
                { read_as }{ " · " }{ counts }
                if props.stale {
                    <span class="checking">{ " · checking…" }</span>
                }
            </p>
        </div>
    }
}

pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy => "a policy file",
        Kind::Sts => "_mta-sts TXT records",
        Kind::Tlsrpt => "_smtp._tls TXT records",
        Kind::Zone => "a zone file",
    }
}

pub fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) | (_, "info") => format!("{n} {word}"),
        _ => format!("{n} {word}s"),
    }
}
