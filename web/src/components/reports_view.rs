use crate::report_worker::{self, Answer, ReportWorker};
use crate::state::{Action, ReportsState};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

/// How many generated reports "Read sample reports" reads (also the speed check).
pub const SAMPLE_REPORTS: u32 = 1_000;

#[derive(Properties, PartialEq)]
pub struct ReportsViewProps {
    pub reports: ReportsState,
    pub dispatch: Callback<Action>,
}

/// Reports: drop or pick TLS-RPT files; the report reader (a Web Worker with its own
/// WebAssembly, fetched when this view opens) reads them in this page and answers with the
/// results: summary, chart of sessions per day, sortable policy and failure tables, advice
/// and per-file errors. The page shows them as sent.
#[component(ReportsView)]
pub fn reports_view(props: &ReportsViewProps) -> Html {
    let worker = use_mut_ref(|| None::<ReportWorker>);
    let started = use_mut_ref(|| 0.0f64);
    let dragging = use_state(|| false);
    let input = use_node_ref();
    let results = use_node_ref();
    let state = &props.reports;

    // Start the reader when the view opens; it stops when the view closes.
    {
        let (worker, started, dispatch) = (worker.clone(), started.clone(), props.dispatch.clone());
        use_effect_with((), move |_| {
            let answer = dispatch.clone();
            let spawned = ReportWorker::spawn(move |a| {
                answer.emit(match a {
                    Answer::Shown { html, payload } => Action::ReportsShown {
                        html: html.into(),
                        payload,
                        elapsed_ms: (js_sys::Date::now() - *started.borrow()).max(0.0) as u32,
                    },
                    Answer::LinkError(why) => Action::ReportsLinkFailed(why),
                    Answer::Failed(why) => Action::ReportsFailed(why),
                })
            });
            match spawned {
                Ok(w) => *worker.borrow_mut() = Some(w),
                Err(why) => dispatch.emit(Action::ReportsFailed(why)),
            }
            move || drop(worker.borrow_mut().take())
        });
    }
    // A link's summary: the reader decodes and draws it.
    {
        let worker = worker.clone();
        use_effect_with(state.pending_link.clone(), move |link| {
            if let (Some(link), Some(w)) = (link, worker.borrow().as_ref()) {
                w.ask("link", link.into());
            }
        });
    }
    // The reader's HTML goes into the results element (Yew leaves its content alone); after
    // a sort redraws a table, the heading clicked keeps the focus.
    {
        let (results, sorted) = (results.clone(), state.sorted.clone());
        use_effect_with(state.html.clone(), move |html| {
            if let Some(root) = results.cast::<Element>() {
                root.set_inner_html(html.as_deref().unwrap_or_default());
            }
            let button = sorted.zip(results.cast::<Element>()).and_then(|(key, root)| {
                root.query_selector(&format!("button[data-sort=\"{key}\"]"))
                    .ok()
                    .flatten()
            });
            if let Some(button) = button.and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
                let _ = button.focus();
            }
        });
    }

    let read = {
        let (worker, started, dispatch) = (worker.clone(), started.clone(), props.dispatch.clone());
        Callback::from(move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            *started.borrow_mut() = js_sys::Date::now();
            dispatch.emit(Action::ReportsReading(files.len() as u32));
            let worker = worker.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let files = report_worker::read_files(files).await;
                if let Some(w) = worker.borrow().as_ref() {
                    w.read(files);
                }
            });
        })
    };
    let on_pick = {
        let read = read.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                read.emit(report_worker::files_of(input.files()));
                input.set_value("");
            }
        })
    };
    let on_choose = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_drag = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(e.type_() != "dragleave");
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            read.emit(report_worker::files_of(e.data_transfer().and_then(|d| d.files())));
        })
    };
    let on_samples = {
        let (worker, started, dispatch) = (worker.clone(), started.clone(), props.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            *started.borrow_mut() = js_sys::Date::now();
            dispatch.emit(Action::ReportsReading(SAMPLE_REPORTS));
            if let Some(w) = worker.borrow().as_ref() {
                w.ask("samples", SAMPLE_REPORTS.into());
            }
        })
    };
    // Sort buttons are in the reader's HTML: one listener for all of them.
    let on_results_click = {
        let (worker, dispatch) = (worker.clone(), props.dispatch.clone());
        Callback::from(move |e: MouseEvent| {
            let key = e
                .target_dyn_into::<Element>()
                .and_then(|t| t.closest("button[data-sort]").ok().flatten())
                .and_then(|b| b.get_attribute("data-sort"));
            if let (Some(key), Some(w)) = (key, worker.borrow().as_ref()) {
                w.ask("sort", key.as_str().into());
                dispatch.emit(Action::ReportsSort(key));
            }
        })
    };

    let status = match (state.reading, state.read) {
        (Some(n), _) => format!("Reading {n} file(s)…"),
        (None, Some((n, ms))) if !state.shared => format!("Read {n} file(s) in {ms} ms, in this page."),
        _ => String::new(),
    };
    html! {
        <section class="view view-reports" data-testid="view-reports" aria-labelledby="reports-title">
            <div class="view-head">
                <h1 id="reports-title">{ "TLS-RPT reports" }</h1>
                <p class="lede">
                    { "Open the SMTP TLS reports senders mail to your _smtp._tls address: JSON, .json.gz, e-mail messages or mbox files. They are read in this page; nothing is uploaded, and links carry the aggregated summary only." }
                </p>
            </div>
            <button
                type="button"
                class={classes!("drop-zone", dragging.then_some("dragging"))}
                data-testid="reports-drop"
                aria-describedby="reports-drop-hint"
                onclick={on_choose}
                ondragover={on_drag.clone()}
                ondragenter={on_drag.clone()}
                ondragleave={on_drag}
                ondrop={on_drop}
            >
                <span class="drop-title">{ "Choose report files…" }</span>
                <span class="drop-hint" id="reports-drop-hint">{ "or drop them here; each set replaces the last" }</span>
            </button>
            <input
                type="file"
                multiple=true
                class="visually-hidden"
                tabindex="-1"
                aria-label="Report files"
                data-testid="reports-file"
                ref={input}
                onchange={on_pick}
            />
            <p class="hint">
                { "No reports at hand? " }
                <button type="button" class="button button-quiet button-small" data-testid="reports-sample" onclick={on_samples}>
                    { "Read 1,000 generated sample reports" }
                </button>
            </p>
            <p class="reports-status" role="status" aria-live="polite" data-testid="reports-status">{ status }</p>
            if let Some(why) = &state.failure {
                <div class="banner banner-error" role="alert">
                    <p>{ format!("The report reader stopped ({why}). Reload the page to try again, or use mtasts report FILE…") }</p>
                </div>
            }
            <div ref={results} onclick={on_results_click}></div>
        </section>
    }
}
