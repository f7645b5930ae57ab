//! The page's side of the report reader's Web Worker (`web/report-worker`). The worker is a
//! WebAssembly module of its own, fetched when the Reports view opens: it holds the JSON,
//! gzip and e-mail readers, renders the results and encodes their permalink, so none of
//! that is in the page's first download. See `web/report-worker/src/main.rs` for the
//! messages.

use js_sys::Array;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// The loader Trunk writes for the worker (`data-loader-shim` in index.html).
pub const WORKER_URL: &str = "mtasts-report-worker_loader.js";

/// Files over this size are not read (the reader caps what it decompresses anyway).
pub const MAX_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// What the worker said.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The results (HTML made by the worker, report text escaped) and the permalink payload.
    Shown { html: String, payload: Option<String> },
    /// A link's summary could not be read: why, as a sentence.
    LinkError(String),
    /// The worker could not start or stopped.
    Failed(String),
}

/// A running worker. Dropping it stops the worker.
pub struct ReportWorker {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    /// Messages posted before the worker said it was ready (it would drop them).
    queued: Rc<RefCell<Vec<(Array, Array)>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl ReportWorker {
    /// Start the worker; `on_answer` hears every answer.
    pub fn spawn(on_answer: impl Fn(Answer) + 'static) -> Result<ReportWorker, String> {
        let worker = Worker::new(WORKER_URL).map_err(|_| "this browser could not start it".to_string())?;
        let ready = Rc::new(Cell::new(false));
        let queued: Rc<RefCell<Vec<(Array, Array)>>> = Rc::default();
        let on_answer = Rc::new(on_answer);
        let on_message = {
            let (worker, ready, queued, on_answer) = (worker.clone(), ready.clone(), queued.clone(), on_answer.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Ok(items) = event.data().dyn_into::<Array>() else {
                    return;
                };
                let arg = |i: u32| items.get(i).as_string();
                match arg(0).as_deref() {
                    Some("ready") => {
                        ready.set(true);
                        for (message, transfer) in queued.borrow_mut().drain(..) {
                            let _ = worker.post_message_with_transfer(&message, &transfer);
                        }
                    }
                    Some("shown") => on_answer(Answer::Shown {
                        html: arg(1).unwrap_or_default(),
                        payload: arg(2),
                    }),
                    Some("error") => on_answer(Answer::LinkError(arg(1).unwrap_or_default())),
                    _ => {}
                }
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let detail = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "it could not be loaded".to_string());
            on_answer(Answer::Failed(detail));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(ReportWorker {
            worker,
            ready,
            queued,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn post(&self, message: Array, transfer: Array) {
        if self.ready.get() {
            let _ = self.worker.post_message_with_transfer(&message, &transfer);
        } else {
            self.queued.borrow_mut().push((message, transfer));
        }
    }

    /// Read these files: (name, bytes or why the browser could not read them). The
    /// buffers move to the worker.
    pub fn read(&self, files: Vec<(String, Result<js_sys::ArrayBuffer, String>)>) {
        let message = Array::of1(&"files".into());
        let transfer = Array::new();
        for (name, body) in files {
            message.push(&name.into());
            match body {
                Ok(buffer) => {
                    message.push(&buffer);
                    transfer.push(&buffer);
                }
                Err(why) => {
                    message.push(&why.into());
                }
            }
        }
        self.post(message, transfer);
    }

    /// Anything else: `["samples", n]`, `["link", payload]`, `["sort", "<table> <column>"]`.
    pub fn ask(&self, what: &str, arg: JsValue) {
        self.post(Array::of2(&what.into(), &arg), Array::new());
    }
}

impl Drop for ReportWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Read the browser's files into buffers (or why not), in order. All reads start at once.
pub async fn read_files(files: Vec<web_sys::File>) -> Vec<(String, Result<js_sys::ArrayBuffer, String>)> {
    let started: Vec<(String, Option<js_sys::Promise>)> = files
        .iter()
        .map(|f| (f.name(), (f.size() <= MAX_FILE_BYTES).then(|| f.array_buffer())))
        .collect();
    let mut out = Vec::with_capacity(started.len());
    for (name, promise) in started {
        let body = match promise {
            None => Err("over 64 MiB".to_string()),
            Some(p) => match wasm_bindgen_futures::JsFuture::from(p).await {
                Ok(buffer) => buffer.dyn_into().map_err(|_| "no bytes".to_string()),
                Err(_) => Err("the browser could not read it".to_string()),
            },
        };
        out.push((name, body));
    }
    out
}

/// The files of a file list (from the picker or a drop).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
