//! The report reader's Web Worker. The page starts it (through the loader Trunk writes,
//! `mtasts-report-worker_loader.js`) when the Reports view opens. Messages are arrays whose
//! first element says what they are:
//!
//! - in: `["files", name, ArrayBuffer | why unreadable, …]`, `["samples", n]` (read `n`
//!   generated reports: the demo and the speed check), `["link", payload]` (show the
//!   summary of a permalink), `["sort", "<table> <column>"]` (a heading was clicked);
//! - out: `["ready"]` once it takes messages, then per request `["shown", html, payload or
//!   null, worker ms]` or `["error", sentence]` (a damaged link).

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::{Array, ArrayBuffer, Uint8Array};
    use mtasts_report_worker::render::{Shown, Sorts, render};
    use mtasts_report_worker::{Reader, link, sample_reports};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let mut shown: Option<Shown> = None;
    let mut sorts = Sorts::default();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let started = js_sys::Date::now();
        let Ok(items) = event.data().dyn_into::<Array>() else {
            return;
        };
        let arg = |i: u32| items.get(i).as_string().unwrap_or_default();
        let read = |reader: Reader| {
            let outcome = reader.finish();
            Shown {
                summary: outcome.summary,
                files: Some(outcome.files),
                files_failed: outcome.files_failed,
                errors: outcome.errors,
                warnings: outcome.warnings,
            }
        };
        match arg(0).as_str() {
            "files" => {
                let mut reader = Reader::new();
                let mut i = 1;
                while i + 1 < items.length() {
                    let name = items.get(i).as_string().unwrap_or_default();
                    match items.get(i + 1).dyn_into::<ArrayBuffer>() {
                        Ok(buffer) => reader.add_file(&name, &Uint8Array::new(&buffer).to_vec()),
                        Err(why) => reader.add_unreadable(&name, &why.as_string().unwrap_or_default()),
                    }
                    i += 2;
                }
                shown = Some(read(reader));
                sorts = Sorts::default();
            }
            "samples" => {
                let n = items.get(1).as_f64().unwrap_or(0.0).clamp(0.0, 100_000.0) as usize;
                let mut reader = Reader::new();
                for (name, bytes) in sample_reports(n) {
                    reader.add_file(&name, &bytes);
                }
                shown = Some(read(reader));
                sorts = Sorts::default();
            }
            "link" => match link::decode(&arg(1)) {
                Ok(summary) => {
                    shown = Some(Shown {
                        summary,
                        ..Shown::default()
                    });
                    sorts = Sorts::default();
                }
                Err(why) => {
                    let _ = reply.post_message(&Array::of2(&"error".into(), &why.into()));
                    return;
                }
            },
            "sort" => sorts.click(&arg(1)),
            _ => return,
        }
        let Some(current) = &shown else { return };
        let html = render(current, sorts);
        let payload = link::encode(&current.summary)
            .filter(|_| current.summary.reports > 0)
            .map_or(JsValue::NULL, JsValue::from);
        let ms = (js_sys::Date::now() - started).max(0.0);
        let answer = Array::of4(&"shown".into(), &html.into(), &payload, &ms.into());
        let _ = reply.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&Array::of1(&"ready".into()));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mtasts-report-worker runs in the web page's Web Worker: build the page with `trunk build --release`.");
}
