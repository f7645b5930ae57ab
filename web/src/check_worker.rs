//! The page's side of the live check's Web Worker (`web/check-worker`). The worker is a
//! WebAssembly module of its own, fetched when the Check view or a check link opens: it
//! holds the DNS-over-HTTPS client, the DNS wire format and the judge, so none of that is
//! in the page's first download. It answers with a view model (`model::CheckView`) the
//! page renders as it is.
//!
//! The proxy is this page's own origin (`/api/v1/policy`) unless the page names another in
//! `<meta name="mtasts-proxy" content="https://proxy.example">`.

use mtasts_check_worker::model::{Answer, Request};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// The loader Trunk writes for the worker (`data-loader-shim` in index.html).
pub const WORKER_URL: &str = "mtasts-check-worker_loader.js";

/// The proxy's policy API on this page's origin.
pub const SAME_ORIGIN_API: &str = "/api/v1/policy";

/// The policy API: `<meta name="mtasts-proxy">`'s origin, else this page's.
pub fn proxy_api() -> String {
    let configured = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=\"mtasts-proxy\"]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .map(|c| c.trim().trim_end_matches('/').to_string())
        .filter(|c| !c.is_empty());
    match configured {
        Some(base) => format!("{base}{SAME_ORIGIN_API}"),
        None => SAME_ORIGIN_API.to_string(),
    }
}

/// Runs a request in this page instead of a worker, answering through the callback.
pub type InPageEngine = Rc<dyn Fn(Request, Rc<dyn Fn(Answer)>)>;

thread_local! {
    static IN_PAGE: RefCell<Option<InPageEngine>> = const { RefCell::new(None) };
}

/// Run checks with `engine` in this page rather than in a worker. For the browser tests
/// only: their runner serves no worker, so they hand the page the worker's own engine.
pub fn run_in_page(engine: InPageEngine) {
    IN_PAGE.with(|e| *e.borrow_mut() = Some(engine));
}

/// A running worker (or the tests' engine). Dropping it stops the worker.
pub struct CheckWorker {
    inner: Inner,
}

enum Inner {
    Worker {
        worker: Worker,
        ready: Rc<Cell<bool>>,
        /// Requests posted before the worker said it was ready (it would drop them).
        queued: Rc<RefCell<Vec<js_sys::Uint8Array>>>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::Event)>,
    },
    InPage {
        engine: InPageEngine,
        on_answer: Rc<dyn Fn(Answer)>,
    },
}

impl CheckWorker {
    /// Start the worker; `on_answer` hears every answer. `on_failure` hears why the worker
    /// could not start or stopped.
    pub fn spawn(
        on_answer: impl Fn(Answer) + 'static,
        on_failure: impl Fn(String) + 'static,
    ) -> Result<CheckWorker, String> {
        let on_answer: Rc<dyn Fn(Answer)> = Rc::new(on_answer);
        if let Some(engine) = IN_PAGE.with(|e| e.borrow().clone()) {
            return Ok(CheckWorker {
                inner: Inner::InPage { engine, on_answer },
            });
        }
        let worker = Worker::new(WORKER_URL).map_err(|_| "this browser could not start the live check".to_string())?;
        let ready = Rc::new(Cell::new(false));
        let queued: Rc<RefCell<Vec<js_sys::Uint8Array>>> = Rc::default();
        let on_message = {
            let (worker, ready, queued) = (worker.clone(), ready.clone(), queued.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                if data.as_string().as_deref() == Some("ready") {
                    ready.set(true);
                    for message in queued.borrow_mut().drain(..) {
                        let _ = worker.post_message(&message);
                    }
                    return;
                }
                // Both ends are built from the same model: bytes that do not decode are
                // not from this page's worker, and are dropped.
                if let Some(answer) = data
                    .dyn_into::<js_sys::Uint8Array>()
                    .ok()
                    .and_then(|bytes| Answer::from_bytes(&bytes.to_vec()).ok())
                {
                    on_answer(answer);
                }
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let detail = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the live check could not be loaded".to_string());
            on_failure(detail);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(CheckWorker {
            inner: Inner::Worker {
                worker,
                ready,
                queued,
                _on_message: on_message,
                _on_error: on_error,
            },
        })
    }

    /// Send `request`; its answers come to `on_answer`.
    pub fn send(&self, request: Request) {
        match &self.inner {
            Inner::Worker {
                worker, ready, queued, ..
            } => {
                let message = js_sys::Uint8Array::from(request.to_bytes().as_slice());
                if ready.get() {
                    let _ = worker.post_message(&message);
                } else {
                    queued.borrow_mut().push(message);
                }
            }
            Inner::InPage { engine, on_answer } => engine(request, on_answer.clone()),
        }
    }
}

impl Drop for CheckWorker {
    fn drop(&mut self) {
        if let Inner::Worker { worker, .. } = &self.inner {
            worker.terminate();
        }
    }
}
