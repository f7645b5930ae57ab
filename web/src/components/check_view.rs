use crate::components::check_evidence::CheckEvidencePanel;
use crate::components::check_findings::CheckFindings;
use crate::components::check_progress::CheckProgress;
use crate::components::select::Select;
use crate::components::verdict_card::VerdictCard;
use crate::state::{Action, CheckState};
use mtasts_check_worker::model::RESOLVERS;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The `<select>` value of the custom resolver (presets are their index).
const CUSTOM: &str = "custom";

#[derive(Properties, PartialEq)]
pub struct CheckViewProps {
    pub check: CheckState,
    pub dispatch: Callback<Action>,
}

/// Check: a live domain's records, MX hosts and policy, judged together the way a sending
/// server does, with the evidence behind each finding.
#[component(CheckView)]
pub fn check_view(props: &CheckViewProps) -> Html {
    let check = &props.check;
    let dispatch = &props.dispatch;
    let on_submit = dispatch.reform(|e: SubmitEvent| {
        // The form is only a way to make Enter work: nothing is submitted anywhere.
        e.prevent_default();
        Action::CheckStart
    });
    let on_domain = dispatch.reform(|e: InputEvent| Action::CheckDomain(input_value(&e)));
    let on_preset = dispatch.reform(|value: String| Action::CheckPreset(value.parse().ok()));
    let on_custom = dispatch.reform(|e: InputEvent| Action::CheckCustomResolver(input_value(&e)));
    let on_include = dispatch.reform(|e: Event| {
        Action::CheckIncludeResult(e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked()))
    });
    let on_rerun = dispatch.reform(|_: MouseEvent| Action::CheckStart);
    let preset_value = check.preset.map_or(CUSTOM.to_string(), |i| i.to_string());
    let started = check.checked.is_some();

    html! {
        <section class="view view-check" data-testid="view-check" aria-labelledby="check-title">
            <div class="view-head">
                <h1 id="check-title">{ "Check a live domain" }</h1>
                <p class="lede">
                    { "Looks up the domain's _mta-sts and _smtp._tls records and MX hosts over DNS over HTTPS from your browser, fetches its policy through the mtasts proxy, and judges them together the way a sending server does." }
                </p>
            </div>
            <form class="controls check-form" onsubmit={on_submit} aria-label="What to check">
                <div class="field field-grow">
                    <label for="check-domain">{ "Domain" }</label>
                    <input id="check-domain" type="text" data-testid="check-domain" value={check.domain.clone()}
                        placeholder="example.com" oninput={on_domain} spellcheck="false" autocapitalize="off"
                        autocomplete="off" inputmode="url" aria-invalid={check.problem.is_some().then_some("true")} />
                </div>
                <div class="field">
                    <label for="check-resolver">{ "DNS resolver" }</label>
                    <Select id="check-resolver" testid="check-resolver" value={preset_value} onchange={on_preset}
                        options={resolver_options()} />
                </div>
                if check.preset.is_none() {
                    <div class="field field-grow">
                        <label for="check-custom-resolver">{ "DoH URL" }</label>
                        <input id="check-custom-resolver" type="text" inputmode="url" data-testid="check-custom-resolver"
                            value={check.custom_resolver.clone()} placeholder="https://dns.example/dns-query"
                            oninput={on_custom} spellcheck="false" autocapitalize="off" autocomplete="off" />
                    </div>
                }
                <div class="field actions">
                    <button type="submit" class="button" data-testid="check-start" disabled={check.running}>
                        { if check.running { "Checking…" } else { "Check" } }
                    </button>
                </div>
            </form>
            if let Some(problem) = check.problem.clone() {
                <p class="banner banner-error" data-testid="check-problem" role="alert">{ problem }</p>
            }
            if check.shared {
                <p class="banner banner-info" data-testid="check-shared" role="status">
                    { "This is a result someone shared" }
                    if let Some(at) = check.result.as_ref().and_then(|r| r.checked_at) {
                        { format!(" (checked {})", mtasts_core::fetch::time::readable(i64::try_from(at).unwrap_or(i64::MAX))) }
                    }
                    { ", not a check run now. " }
                    <button type="button" class="button button-small" data-testid="check-rerun" onclick={on_rerun}>
                        { "Re-run live" }
                    </button>
                </p>
            }
            if started {
                <div class="check-layout">
                    <div class="check-main">
                        <VerdictCard result={check.result.clone()} running={check.running || check.snapshot.is_some()} />
                        <CheckProgress steps={check.steps.clone()} running={check.running} />
                        <CheckFindings findings={check.findings()} final_list={check.result.is_some()} />
                    </div>
                    if let Some(result) = check.result.clone() {
                        <CheckEvidencePanel {result} dispatch={dispatch.clone()} />
                    }
                </div>
                if check.result.is_some() {
                    <p class="field check-include">
                        <label class="check">
                            <input type="checkbox" data-testid="check-include-result" checked={check.include_result}
                                onchange={on_include} />
                            { "Include the result in the link (a colleague sees this result without checking again)" }
                        </label>
                    </p>
                }
            } else {
                <p class="summary-empty" data-testid="check-empty">
                    { "Enter a domain and press Check. The DNS questions go to the resolver you choose; only the policy fetch goes through this site's proxy." }
                </p>
            }
        </section>
    }
}

/// The resolvers of `RESOLVERS` by index, then the custom URL.
fn resolver_options() -> Vec<(AttrValue, AttrValue)> {
    RESOLVERS
        .iter()
        .enumerate()
        .map(|(i, &(name, _))| (AttrValue::from(i.to_string()), AttrValue::from(name)))
        .chain([(AttrValue::from(CUSTOM), AttrValue::from("Custom DoH URL…"))])
        .collect()
}

fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}
