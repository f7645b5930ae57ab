use crate::markdown::rich;
use mtasts_check_worker::model::CheckView;
use mtasts_core::check::Verdict;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictCardProps {
    pub result: Option<Rc<CheckView>>,
    pub running: bool,
}

/// What a conforming sender makes of the domain: the verdict, the reason that matters
/// most as the headline, and the other reasons.
#[component(VerdictCard)]
pub fn verdict_card(props: &VerdictCardProps) -> Html {
    let Some(result) = props.result.as_ref() else {
        return html! {
            <div class="verdict verdict-pending" data-testid="check-verdict" data-verdict="" role="status" aria-live="polite">
                <p class="verdict-title">{ if props.running { "Checking…" } else { "No result" } }</p>
            </div>
        };
    };
    let report = &**result;
    let verdict = report.verdict;
    html! {
        <div class={classes!("verdict", verdict_class(verdict))} data-testid="check-verdict" data-domain={report.domain.clone()}
            data-verdict={verdict.as_str()} role="status" aria-live="polite">
            <p class="verdict-title">{ verdict_label(verdict) }</p>
            <p class="verdict-headline" data-testid="check-headline">{ rich(report.headline()) }</p>
            if report.reasons.len() > 1 {
                <ul class="verdict-reasons" data-testid="check-reasons">
                    { for report.reasons.iter().skip(1).map(|r| html! { <li>{ rich(r) }</li> }) }
                </ul>
            }
            <p class="verdict-meta">
                { report.domain.clone() }
                if let Some(mode) = &report.mode {
                    { format!(" · mode {mode}") }
                }
                if let Some(id) = &report.sts_id {
                    { format!(" · id {id}") }
                }
                if report.dnssec {
                    { " · DNSSEC-validated answers" }
                }
            </p>
        </div>
    }
}

/// The verdict as the card names it.
pub fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::EnforceWorking => "Enforce and working",
        Verdict::Testing => "Testing",
        Verdict::NotConfigured => "Not configured",
        Verdict::Incomplete => "Incomplete",
        Verdict::Broken => "Broken",
    }
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::EnforceWorking => "verdict-ok",
        Verdict::Testing | Verdict::NotConfigured => "verdict-note",
        Verdict::Incomplete => "verdict-unknown",
        Verdict::Broken => "verdict-broken",
    }
}
