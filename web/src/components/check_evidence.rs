use crate::components::editor::severity_class;
use crate::state::Action;
use mtasts_check_worker::model::{CheckView, MarkedLine};
use mtasts_core::Kind;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckEvidencePanelProps {
    pub result: Rc<CheckView>,
    pub dispatch: Callback<Action>,
}

/// The raw evidence: the DNS answers with the DNS findings on their lines, the HTTP
/// response and certificate, and the policy body with its findings.
#[component(CheckEvidencePanel)]
pub fn check_evidence_panel(props: &CheckEvidencePanelProps) -> Html {
    let view = &props.result;
    let open_in_linter = view.policy.clone().map(|text| {
        let mx = view.mx.as_ref().map(|hosts| hosts.join(", "));
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
                    if let Some(resolver) = &view.resolver {
                        <span class="evidence-note">{ format!(" from {resolver}") }</span>
                    }
                </summary>
                { marked_text(&view.dns_lines, "dns") }
            </details>
            <details open=true>
                <summary>{ "Policy fetch (HTTPS)" }</summary>
                { fetch_facts(&view.fetch_facts) }
            </details>
            if view.policy.is_some() {
                <details open=true>
                    <summary>{ "Policy file" }</summary>
                    { marked_text(&view.policy_lines, "policy") }
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

/// The text line by line; lines that findings point at are marked and name their codes.
fn marked_text(lines: &[MarkedLine], name: &'static str) -> Html {
    html! {
        <div class="evidence-text" data-testid={format!("check-{name}-text")} tabindex="0"
            aria-label={format!("{name} text with findings marked")}>
            { for lines.iter().enumerate().map(|(i, line)| {
                let worst = line.worst.map(|l| l.severity());
                let codes = line.codes.join(" ");
                html! {
                    <div class={classes!("evidence-line", worst.map(severity_class), worst.map(|_| "marked"))}
                        data-testid={format!("{name}-line")} data-line={(i + 1).to_string()}
                        data-codes={(!codes.is_empty()).then(|| codes.clone())}>
                        <span class="evidence-line-text">{ line.text.clone() }</span>
                        if !codes.is_empty() {
                            <span class="evidence-line-codes">{ format!("↑ {}", line.codes.join(", ")) }</span>
                        }
                    </div>
                }
            }) }
        </div>
    }
}

fn fetch_facts(facts: &Result<Vec<(String, String)>, String>) -> Html {
    match facts {
        Err(why) => html! {
            <p class="evidence-missing" data-testid="check-fetch-missing">{ format!("Not fetched: {why}") }</p>
        },
        Ok(rows) => html! {
            <dl class="evidence-facts" data-testid="check-fetch-facts">
                { for rows.iter().map(|(name, value)| html! {
                    <><dt>{ name.clone() }</dt><dd data-fact={name.clone()}>{ value.clone() }</dd></>
                }) }
            </dl>
        },
    }
}
