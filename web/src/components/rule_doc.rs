use crate::components::rules_view::subject_phrase;
use crate::markdown::{self, Block, inline_html, rich};
use crate::rule_docs::{RULE_DOCS_URL, RuleDocsState};
use crate::state::Action;
use mtasts_core::Kind;
use mtasts_core::mta_sts::Mode;
use mtasts_core::rule::{DocExample, Section, doc_examples, doc_section};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RuleDocProps {
    pub code: &'static str,
    /// The docs, fetched on demand: the heading shows at once, the body when they arrive.
    pub docs: RuleDocsState,
    pub dispatch: Callback<Action>,
}

/// One rule's doc page; each example opens in the linter.
#[component(RuleDoc)]
pub fn rule_doc(props: &RuleDocProps) -> Html {
    let Some(rule) = mtasts_core::rules::by_code(props.code) else {
        return Html::default();
    };
    let subject = subject_phrase(rule.subject);
    let body = match &props.docs {
        RuleDocsState::NotLoaded | RuleDocsState::Loading => html! {
            <p class="rule-doc-loading" role="status" data-testid="rule-doc-loading">{ "Loading the rule's doc…" }</p>
        },
        RuleDocsState::Failed(why) => failed(why, true, &props.dispatch),
        RuleDocsState::Loaded(docs) => match docs.get(rule.code) {
            Some(doc) => doc_body(doc, &props.dispatch),
            // Only a rules.json from another build of the page lacks a rule: a reload
            // fetches the page and the file anew.
            None => failed(
                &format!(
                    "{RULE_DOCS_URL} has no doc for {}: it is from another version of this page. Reload the page.",
                    rule.code
                ),
                false,
                &props.dispatch,
            ),
        },
    };
    html! {
        <article class="rule-doc" data-testid="rule-doc" data-code={rule.code} aria-labelledby="rule-title">
            <h1 id="rule-title"><code>{ rule.code }</code><span class="rule-title">{ rich(rule.title()) }</span></h1>
            <p class="rule-meta">
                <span class={classes!("badge", format!("sev-{}", rule.severity.as_str()))}>{ rule.severity.as_str() }</span>
                { format!(" {} · checks {subject}", rule.rfc) }
            </p>
            { body }
        </article>
    }
}

/// The doc's sections, its examples with buttons that open them in the linter.
fn doc_body(doc: &str, dispatch: &Callback<Action>) -> Html {
    let examples = doc_examples(doc);
    // Examples are numbered in doc order over the Example and How to fix sections, as
    // `doc_examples` lists them.
    let mut next_example = 0;
    html! {
        <div class="rule-doc-body" data-testid="rule-doc-body">
            { for Section::ALL.into_iter().map(|section| {
                let text = doc_section(doc, section);
                if text.is_empty() {
                    return Html::default();
                }
                let takes_examples = matches!(section, Section::Example | Section::HowToFix);
                html! {
                    <section>
                        <h2>{ section.heading() }</h2>
                        { for markdown::blocks(text).into_iter().map(|block| {
                            let example = match &block {
                                Block::Code { info, .. } if takes_examples && markdown::is_example(info) => {
                                    next_example += 1;
                                    examples.get(next_example - 1)
                                }
                                _ => None,
                            };
                            render_block(block, example, dispatch)
                        }) }
                    </section>
                }
            }) }
        </div>
    }
}

/// Why the doc is not shown, with "Try again" when another fetch may help.
fn failed(why: &str, retry: bool, dispatch: &Callback<Action>) -> Html {
    let onclick = dispatch.reform(|_: MouseEvent| Action::RuleDocsRetry);
    html! {
        <div class="banner banner-error rule-doc-error" role="alert" data-testid="rule-doc-error">
            <p>{ why }</p>
            if retry {
                <button type="button" class="button button-small" data-testid="rule-doc-retry" {onclick}>
                    { "Try again" }
                </button>
            }
        </div>
    }
}

fn render_block(block: Block, example: Option<&DocExample>, dispatch: &Callback<Action>) -> Html {
    match block {
        Block::Paragraph(inlines) => html! { <p>{ inline_html(inlines) }</p> },
        Block::List(items) => html! {
            <ul>{ for items.into_iter().map(|i| html! { <li>{ inline_html(i) }</li> }) }</ul>
        },
        Block::Code { info, body } => {
            // Fetch and probe evidence are for the coming Check view; the linter takes the rest.
            let open = example.filter(|ex| Kind::parse(ex.kind).is_some()).map(|ex| {
                let action = Action::OpenInLinter {
                    text: String::from_utf8_lossy(&ex.input).into_owned(),
                    kind: Kind::parse(ex.kind),
                    mx: ex.mx.as_ref().map(|hosts| hosts.join(", ")),
                    zone_mode: ex.mode.as_deref().and_then(|m| Mode::parse(m.as_bytes())),
                };
                let label = if ex.fires {
                    "Open this example in the linter"
                } else {
                    "Open the fixed version in the linter"
                };
                let onclick = dispatch.reform(move |_: MouseEvent| action.clone());
                html! {
                    <button type="button" class="button button-small" data-testid="rule-example-open" {onclick}>
                        { label }
                    </button>
                }
            });
            let caption = example
                .map(|ex| {
                    let mut parts = vec![match ex.kind {
                        "fetch" => "a recorded fetch of the policy (for the coming Check view)".to_string(),
                        "probe" => "a recorded probe of an MX host (for the coming Check view)".to_string(),
                        kind => format!("{kind} input"),
                    }];
                    if let Some(mx) = &ex.mx {
                        parts.push(if mx.is_empty() {
                            "no MX records".to_string()
                        } else {
                            format!("MX hosts {}", mx.join(", "))
                        });
                    }
                    if let Some(mode) = &ex.mode {
                        parts.push(format!("policy mode {mode}"));
                    }
                    if body.contains("\\r") {
                        parts.push("\\r marks a CR byte".to_string());
                    }
                    parts.join(", ")
                })
                .or_else(|| (!info.is_empty()).then_some(info));
            html! {
                <figure class="example">
                    if let Some(caption) = caption {
                        <figcaption>{ caption }</figcaption>
                    }
                    <pre tabindex="0"><code>{ body }</code></pre>
                    { for open }
                </figure>
            }
        }
    }
}
