//! The live check's I/O in a browser: DNS over HTTPS with `fetch` (GET, so no CORS
//! preflight), and the policy fetched through the mtasts proxy's API, because a page cannot
//! read another origin's policy file itself. In the worker `fetch` is the
//! `WorkerGlobalScope`'s; the browser tests run the same code in the page, where it is the
//! window's.

use gloo_timers::callback::Timeout;
use mtasts_check::PolicySource;
use mtasts_check::dns::{HttpGet, HttpReply, MaybeSendFuture};
use mtasts_core::fetch::FetchEvidence;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, ReferrerPolicy, RequestCredentials, RequestInit, RequestMode, Response, WorkerGlobalScope,
};

/// How long a DoH question may take before it counts as unanswered.
pub const DOH_TIMEOUT_MS: u32 = 10_000;
/// How long the proxy may take: its own fetch may take up to the 60 s RFC 8461 suggests.
pub const PROXY_TIMEOUT_MS: u32 = 70_000;

/// `fetch` anonymous: no cookies, no referrer, CORS mode.
pub struct BrowserHttp;

impl HttpGet for BrowserHttp {
    fn get<'a>(&'a self, url: &'a str, accept: &'static str) -> MaybeSendFuture<'a, Result<HttpReply, String>> {
        Box::pin(get(url, accept, DOH_TIMEOUT_MS))
    }

    fn now_ms(&self) -> f64 {
        let global = js_sys::global();
        let performance = match global.dyn_ref::<WorkerGlobalScope>() {
            Some(scope) => scope.performance(),
            None => global
                .dyn_ref::<web_sys::Window>()
                .and_then(web_sys::Window::performance),
        };
        performance.map_or_else(js_sys::Date::now, |p| p.now())
    }
}

/// `fetch(url, init)` of this global: the worker's, or the window's.
fn fetch(url: &str, init: &RequestInit) -> Result<js_sys::Promise, String> {
    let global = js_sys::global();
    if let Some(scope) = global.dyn_ref::<WorkerGlobalScope>() {
        return Ok(scope.fetch_with_str_and_init(url, init));
    }
    match global.dyn_ref::<web_sys::Window>() {
        Some(window) => Ok(window.fetch_with_str_and_init(url, init)),
        None => Err("nothing to fetch with here".to_string()),
    }
}

/// GET `url`, giving up after `timeout_ms`. `Err` says what failed, for the step list.
async fn get(url: &str, accept: &str, timeout_ms: u32) -> Result<HttpReply, String> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    // `Accept` is a CORS-safelisted header: the request needs no preflight.
    let headers = web_sys::Headers::new().map_err(|e| js_error("cannot make request headers", &e))?;
    headers
        .set("Accept", accept)
        .map_err(|e| js_error("cannot set Accept", &e))?;
    init.set_headers(&headers);
    let controller = AbortController::new().map_err(|e| js_error("cannot make an AbortController", &e))?;
    init.set_signal(Some(&controller.signal()));
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let failed = |e: JsValue| {
        if timed_out.get() {
            format!("no answer within {} s", timeout_ms / 1000)
        } else {
            // The browser hides why (network, CORS, TLS) from the page; say what it may be.
            js_error("no answer (network error, refused, or not allowed by CORS)", &e)
        }
    };
    let response = JsFuture::from(fetch(url, &init)?).await.map_err(failed)?;
    let response: Response = response.dyn_into().map_err(|_| "fetch gave no Response".to_string())?;
    let content_type = response.headers().get("content-type").ok().flatten();
    let buffer = response.array_buffer().map_err(failed)?;
    let buffer = JsFuture::from(buffer).await.map_err(failed)?;
    drop(timer);
    Ok(HttpReply {
        status: response.status(),
        content_type,
        body: js_sys::Uint8Array::new(&buffer).to_vec(),
    })
}

fn js_error(what: &str, e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(error) => format!("{what}: {}", String::from(error.message())),
        None => what.to_string(),
    }
}

/// The mtasts proxy's policy API (`GET …/api/v1/policy?domain=D`).
pub struct ProxySource {
    pub api: String,
}

impl PolicySource for ProxySource {
    fn fetch<'a>(&'a self, domain: &'a str) -> MaybeSendFuture<'a, Result<FetchEvidence, String>> {
        Box::pin(async move {
            let url = format!("{}?domain={}", self.api, js_sys::encode_uri_component(domain));
            let reply = get(&url, "application/json", PROXY_TIMEOUT_MS)
                .await
                .map_err(|e| format!("no proxy answered at {}: {e}", self.api))?;
            crate::engine::read_proxy_reply(&self.api, reply.status, reply.content_type.as_deref(), &reply.body)
        })
    }
}
