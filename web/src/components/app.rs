use crate::browser;
use crate::check_worker::{self, CheckWorker};
use crate::components::check_view::CheckView;
use crate::components::copy_link::CopyLink;
use crate::components::generate_view::GenerateView;
use crate::components::lint_view::LintView;
use crate::components::nav::Nav;
use crate::components::permalink_banner::PermalinkBanner;
use crate::components::reports_view::ReportsView;
use crate::components::rules_view::RulesView;
use crate::route::View;
use crate::state::{Action, State};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use mtasts_check_worker::model::Answer;
use yew::prelude::*;

/// How long the address waits after a change before it is rewritten.
const ADDRESS_DELAY_MS: u32 = 150;

/// The page: one reducer, routing by fragment, the permalink kept in the address.
#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::from_fragment(&browser::fragment(), browser::now()));
    let dispatch = state.dispatcher();

    // Links, Back and Forward change the fragment: follow it.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "hashchange", move |_| {
                    dispatch.dispatch(Action::Navigate {
                        fragment: browser::fragment(),
                        now: browser::now(),
                    });
                })
            });
            move || drop(listener)
        });
    }

    // Keep the address a permalink of the view, a moment after the last change.
    {
        let snapshot = state.clone();
        let delay = if state.view == View::Lint {
            state.lint.delay_ms()
        } else {
            ADDRESS_DELAY_MS
        };
        use_effect_with(state.link_key(), move |_| {
            let timer = Timeout::new(delay, move || {
                // Too large for a link: the address names the view only (the page says so).
                let fragment = snapshot
                    .fragment()
                    .unwrap_or_else(|_| format!("#/{}", snapshot.view.slug()));
                browser::write_fragment(&fragment);
            });
            move || drop(timer)
        });
    }

    // Lint once the typist pauses.
    {
        let dispatch = dispatch.clone();
        let version = state.lint.version;
        let stale = !state.lint.is_current();
        let delay = state.lint.delay_ms();
        use_effect_with((version, stale), move |_| {
            let timer = stale.then(|| Timeout::new(delay, move || dispatch.dispatch(Action::LintRun { version })));
            move || drop(timer)
        });
    }

    // The live check runs in its own worker, started when the Check view (or a check link)
    // first opens and kept for the session; the page's first load does not include it.
    let check_worker = use_mut_ref(|| None::<CheckWorker>);
    let ensure_check_worker = {
        let (check_worker, dispatch) = (check_worker.clone(), dispatch.clone());
        move || {
            if check_worker.borrow().is_some() {
                return;
            }
            let on_answer = {
                let dispatch = dispatch.clone();
                move |answer: Answer| dispatch.dispatch(Action::of_check_answer(answer))
            };
            let on_failure = {
                let dispatch = dispatch.clone();
                move |why: String| dispatch.dispatch(Action::CheckWorkerFailed(why))
            };
            match CheckWorker::spawn(on_answer, on_failure) {
                Ok(worker) => *check_worker.borrow_mut() = Some(worker),
                Err(why) => dispatch.dispatch(Action::CheckWorkerFailed(why)),
            }
        }
    };
    {
        let ensure_check_worker = ensure_check_worker.clone();
        use_effect_with(state.view == View::Check, move |&open| {
            if open {
                ensure_check_worker();
            }
        });
    }
    // Send each check the state starts (a click, Enter, a link) to the worker: a live check,
    // or a link's snapshot to judge.
    {
        let request = state.check.request(check_worker::proxy_api());
        use_effect_with(state.check.run, move |_| {
            if let Some(request) = request {
                ensure_check_worker();
                if let Some(worker) = check_worker.borrow().as_ref() {
                    worker.send(request);
                }
            }
        });
    }

    let on_copy_link = {
        let state = state.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_: ()| {
            let fragment = state.fragment().unwrap_or_else(|_| format!("#/{}", state.view.slug()));
            browser::write_fragment(&fragment);
            let url = browser::url_with(&fragment);
            browser::copy_text(url.clone(), |_| {});
            dispatch.dispatch(Action::ShowLink(url));
        })
    };
    let link_too_large = state.view == View::Lint && state.lint.too_large_for_link();
    let dispatch_cb = Callback::from(move |action: Action| dispatch.dispatch(action));

    let view = match state.view {
        View::Lint => html! {
            <LintView lint={state.lint.clone()} dispatch={dispatch_cb.clone()} />
        },
        View::Generate => html! {
            <GenerateView generate={state.generate.clone()} dispatch={dispatch_cb.clone()} />
        },
        View::Rules => html! {
            <RulesView
                rule={state.rule.clone()}
                unknown={state.unknown_rule.clone()}
                docs={state.rule_docs.clone()}
                dispatch={dispatch_cb.clone()}
            />
        },
        View::Check => html! {
            <CheckView check={state.check.clone()} dispatch={dispatch_cb.clone()} />
        },
        View::Reports => html! {
            <ReportsView reports={state.reports.clone()} dispatch={dispatch_cb.clone()} />
        },
    };

    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main()}>{ "Skip to content" }</a>
            <header class="site-header">
                <div class="brand">
                    <span class="brand-name">{ "mtasts" }</span>
                    <span class="brand-tag">{ "MTA-STS and TLS-RPT, checked the way senders read them" }</span>
                </div>
                <Nav current={state.view} />
            </header>
            <main id="main" tabindex="-1">
                if let Some(message) = state.permalink_error.clone() {
                    <PermalinkBanner {message} dispatch={dispatch_cb.clone()} />
                }
                { view }
                <CopyLink
                    shown={state.shown_link.clone()}
                    on_copy={on_copy_link}
                    too_large={link_too_large}
                />
            </main>
            <footer class="site-footer">
                <p>
                    { "Everything runs in this page: what you paste never leaves your browser, and links keep it after the " }
                    <code>{ "#" }</code>
                    { ", which browsers do not send to servers." }
                </p>
            </footer>
        </>
    }
}

/// The skip link moves focus without touching the fragment (which holds the state).
fn skip_to_main() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| {
        e.prevent_default();
        let main = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"));
        if let Some(main) = main.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok()) {
            let _ = main.focus();
        }
    })
}
