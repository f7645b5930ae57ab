use crate::components::editor::severity_class;
use crate::markdown::rich;
use crate::route::rule_href;
use crate::state::{Action, LintResult};
use mtasts_core::{Diagnostic, Severity};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosticListProps {
    pub result: Option<Rc<LintResult>>,
    pub selected: Option<usize>,
    pub dispatch: Callback<Action>,
}

/// The findings, grouped by severity, each linked to its rule and with its fix.
#[component(DiagnosticList)]
pub fn diagnostic_list(props: &DiagnosticListProps) -> Html {
    let Some(result) = props.result.clone() else {
        return Html::default();
    };
    let report = &result.report;
    if report.diagnostics.is_empty() {
        return html! {
            <div class="diagnostics" data-testid="lint-diagnostics">
                <p class="all-clear">{ "No findings: nothing to fix." }</p>
            </div>
        };
    }
    let groups = [
        (Severity::Error, "Errors", "A sender discards the input"),
        (Severity::Warning, "Warnings", "Works, but risky or against a SHOULD"),
        (Severity::Info, "Notes", "Worth knowing"),
    ];
    html! {
        <div class="diagnostics" data-testid="lint-diagnostics">
            { for groups.into_iter().map(|(severity, title, blurb)| {
                let items: Vec<(usize, &Diagnostic)> = report
                    .diagnostics
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.severity == severity)
                    .collect();
                if items.is_empty() {
                    return Html::default();
                }
                let heading_id = format!("diag-{}", severity.as_str());
                html! {
                    <section class={classes!("diag-group", severity_class(severity))} aria-labelledby={heading_id.clone()}>
                        <h2 id={heading_id}>
                            <span class="sev-icon" aria-hidden="true" />
                            { format!("{title} ({})", items.len()) }
                            <span class="group-blurb">{ blurb }</span>
                        </h2>
                        <ul>
                            { for items.into_iter().map(|(index, d)| item(index, d, props.selected == Some(index), &props.dispatch)) }
                        </ul>
                    </section>
                }
            }) }
            if report.suppressed > 0 {
                <p class="hint">{ format!("{} more findings are not listed: a rule that fires more than 100 times is cut short.", report.suppressed) }</p>
            }
        </div>
    }
}

fn item(index: usize, d: &Diagnostic, selected: bool, dispatch: &Callback<Action>) -> Html {
    let select = dispatch.reform(move |_: MouseEvent| Action::LintSelect(Some(index)));
    let code = d.code();
    let fix = d.fix.as_ref().map(|fix| {
        let code = code.to_string();
        let onclick = dispatch.reform(move |_: MouseEvent| Action::LintApplyFix {
            index,
            code: code.clone(),
        });
        html! {
            <button type="button" class="button button-small" data-testid="apply-fix" {onclick}>
                { format!("Fix: {}", fix.title) }
            </button>
        }
    });
    let place = if d.line == d.end_line || d.end_line == 0 {
        format!("Line {}, column {}", d.line, d.column)
    } else {
        format!("Lines {}–{}", d.line, d.end_line)
    };
    html! {
        <li
            class={classes!("diagnostic", severity_class(d.severity), selected.then_some("selected"))}
            data-testid="diagnostic"
            data-code={code}
            data-severity={d.severity.as_str()}
            data-line={d.line.to_string()}
        >
            <div class="diag-head">
                <button type="button" class="diag-where" aria-pressed={selected.to_string()} onclick={select}
                    aria-label={format!("{place}: show in the input")}>
                    { place }
                </button>
                <a class="rule-code" data-testid="rule-link" href={rule_href(code)}
                    title={d.rule.title()}>{ code }</a>
            </div>
            <p class="diag-message">{ rich(&d.message) }</p>
            <p class="diag-rule">{ rich(d.rule.title()) }{ " · " }{ d.rule.rfc }</p>
            { for fix }
        </li>
    }
}
