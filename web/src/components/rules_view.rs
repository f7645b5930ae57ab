use crate::components::rule_doc::RuleDoc;
use crate::markdown::rich;
use crate::route::rule_href;
use crate::rule_docs::{self, RuleDocsState};
use crate::state::Action;
use mtasts_core::{Rule, Subject};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RulesViewProps {
    /// The rule to show (canonical code).
    pub rule: Option<String>,
    /// A code the address asked for that no rule has.
    pub unknown: Option<String>,
    /// The rule docs (fetched when this view first opens).
    pub docs: RuleDocsState,
    pub dispatch: Callback<Action>,
}

/// The index heading for a group of rules.
pub fn subject_title(subject: Subject) -> &'static str {
    match subject {
        Subject::Policy => "Policy file",
        Subject::StsRecord => "_mta-sts record",
        Subject::TlsRptRecord => "_smtp._tls record",
        Subject::MxMatch => "MX hosts against the policy",
        Subject::Deployment => "Zone: records together",
        Subject::Fetch => "Fetching the policy",
    }
}

/// What a rule of this subject checks, for its page ("checks the policy file").
pub fn subject_phrase(subject: Subject) -> &'static str {
    match subject {
        Subject::Policy => "the policy file",
        Subject::StsRecord => "the _mta-sts record",
        Subject::TlsRptRecord => "the _smtp._tls record",
        Subject::MxMatch => "the MX hosts against the policy",
        Subject::Deployment => "a zone's records together",
        Subject::Fetch => "how the policy is fetched and cached",
    }
}

/// Rules: every rule's doc page, addressable by code, with its examples.
#[component(RulesView)]
pub fn rules_view(props: &RulesViewProps) -> Html {
    let rule = props.rule.as_deref().and_then(mtasts_core::rules::by_code);
    // The docs are not in the page's module: fetch them as soon as the view opens (the
    // index needs only titles, but a rule is likely to be opened next), and again after
    // "Try again".
    {
        let dispatch = props.dispatch.clone();
        use_effect_with(props.docs.wants_load(), move |wants_load| {
            if *wants_load {
                rule_docs::load(dispatch);
            }
        });
    }
    // A new page: start at its top, and show its entry in the (scrolling) index.
    let index = use_node_ref();
    {
        let index = index.clone();
        use_effect_with(props.rule.clone(), move |_| {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            let index = index.cast::<HtmlElement>();
            let current = index
                .as_ref()
                .and_then(|i| i.query_selector("a.current").ok().flatten())
                .and_then(|a| a.dyn_into::<HtmlElement>().ok());
            if let (Some(index), Some(current)) = (index, current) {
                index.set_scroll_top(current.offset_top() - index.client_height() / 3);
            }
        });
    }
    let main = match (rule, &props.unknown) {
        (Some(rule), _) => html! {
            <RuleDoc code={rule.code} docs={props.docs.clone()} dispatch={props.dispatch.clone()} />
        },
        (None, Some(code)) => html! {
            <div class="rule-missing" role="status">
                <h1>{ "No such rule" }</h1>
                <p>{ format!("There is no rule {code}. Codes are stable; it may have been mistyped. Pick one from the list.") }</p>
            </div>
        },
        (None, None) => html! {
            <div class="rules-intro">
                <h1 id="rules-title">{ "Rules" }</h1>
                <p class="lede">{ format!(
                    "Each of the {} rules checks one thing a sending server does with your policy or records, and cites the RFC. Errors make senders discard the input; warnings work but are risky.",
                    mtasts_core::rules::all().count()
                ) }</p>
            </div>
        },
    };
    html! {
        <section class="view view-rules" data-testid="view-rules" aria-label="Rules">
            <div class="rules-main">{ main }</div>
            <nav class="rules-index" aria-label="All rules" data-testid="rules-list" ref={index}>
                { for subjects().into_iter().map(|subject| {
                    let title = subject_title(subject);
                    let rules: Vec<&Rule> = mtasts_core::rules::all().filter(|r| r.subject == subject).collect();
                    html! {
                        <section>
                            <h2>{ title }</h2>
                            <ul>
                                { for rules.into_iter().map(|r| {
                                    let current = Some(r.code) == props.rule.as_deref();
                                    html! {
                                        <li>
                                            <a href={rule_href(r.code)} data-testid="rule-link" data-code={r.code}
                                                aria-current={current.then_some("page")} class={classes!(current.then_some("current"))}>
                                                <span class={classes!("sev-dot", format!("sev-{}", r.severity.as_str()))} aria-hidden="true" />
                                                <code>{ r.code }</code>
                                                <span class="rule-title">{ rich(r.title()) }</span>
                                            </a>
                                        </li>
                                    }
                                }) }
                            </ul>
                        </section>
                    }
                }) }
            </nav>
        </section>
    }
}

/// Subjects in registry order.
fn subjects() -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    for rule in mtasts_core::rules::all() {
        if !out.contains(&rule.subject) {
            out.push(rule.subject);
        }
    }
    out
}
