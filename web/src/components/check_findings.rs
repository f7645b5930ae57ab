use crate::components::editor::severity_class;
use crate::markdown::rich;
use crate::route::rule_href;
use mtasts_check_worker::model::FindingView;
use mtasts_core::check::Source;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckFindingsProps {
    pub findings: Vec<FindingView>,
    /// The check is judged: the list is complete.
    pub final_list: bool,
}

/// The findings, as they stream in: severity, rule (linked to its doc), message, fix.
#[component(CheckFindings)]
pub fn check_findings(props: &CheckFindingsProps) -> Html {
    let mut findings = props.findings.clone();
    // Worst first; the sort is stable, so findings keep their order within a severity.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    html! {
        <section class="diagnostics check-findings" aria-labelledby="check-findings-title" data-testid="check-findings">
            <h2 id="check-findings-title">{ format!("Findings ({})", findings.len()) }</h2>
            if findings.is_empty() && props.final_list {
                <p class="all-clear">{ "No findings: nothing to fix." }</p>
            }
            <ul>
                { for findings.iter().map(item) }
            </ul>
        </section>
    }
}

fn item(f: &FindingView) -> Html {
    let code = f.code.clone();
    let severity = f.severity.severity();
    // The registry is in the page (the Rules view lists it): the rule's title by its code.
    let title = mtasts_core::rules::by_code(&code).map(|r| r.title());
    let place = match f.source {
        Source::Dns => format!("DNS answers, line {}", f.line),
        Source::Fetch => "Policy fetch".to_string(),
        Source::Policy => format!("Policy file, line {}", f.line),
        Source::Mx => "MX host probe".to_string(),
    };
    html! {
        <li class={classes!("diagnostic", severity_class(severity))} data-testid="check-finding"
            data-code={code.clone()} data-severity={severity.as_str()} data-source={source_name(f.source)}>
            <div class="diag-head">
                <span class={classes!("badge", severity_class(severity))}>{ severity.as_str() }</span>
                <a class="rule-code" data-testid="rule-link" href={rule_href(&code)} {title}>{ code.clone() }</a>
                <span class="diag-place">{ place }</span>
            </div>
            <p class="diag-message">{ rich(&f.message) }</p>
            if let Some(fix) = &f.fix {
                <p class="diag-fix" data-testid="check-fix">{ "Fix: " }{ rich(fix) }</p>
            }
        </li>
    }
}

/// How `data-source` names a finding's evidence.
pub fn source_name(source: Source) -> &'static str {
    match source {
        Source::Dns => "dns",
        Source::Fetch => "fetch",
        Source::Policy => "policy",
        Source::Mx => "mx",
    }
}
