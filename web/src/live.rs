//! The live check in the browser: DNS over HTTPS with the browser's `fetch` (GET, so no
//! CORS preflight), and the policy fetched through the mtasts proxy's API, because a page
//! cannot read another origin's policy file itself.
//!
//! The proxy is this page's own origin (`/api/v1/policy`) unless the page names another in
//! `<meta name="mtasts-proxy" content="https://proxy.example">`.

use crate::state::{Action, Finding};
use mtasts_check::Event;
use std::rc::Rc;
use yew::Callback;

/// The proxy's policy API on this page's origin.
pub const SAME_ORIGIN_API: &str = "/api/v1/policy";
/// How long a DoH question may take before it counts as unanswered.
pub const DOH_TIMEOUT_MS: u32 = 10_000;
/// How long the proxy may take: its own fetch may take up to the 60 s RFC 8461 suggests.
pub const PROXY_TIMEOUT_MS: u32 = 70_000;

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

/// What a running check reports, as the page's actions.
pub fn action_of(run: u64, event: Event) -> Action {
    match event {
        Event::StepDone {
            step,
            failure,
            elapsed_ms,
        } => Action::CheckStepDone {
            run,
            step,
            failure,
            elapsed_ms,
        },
        Event::Finding { source, diagnostic } => Action::CheckFinding {
            run,
            finding: Finding {
                source,
                diagnostic: Rc::new(diagnostic),
            },
        },
    }
}

/// Run live check `run` of `domain` at `resolver`, feeding its events to `dispatch`.
#[cfg(target_arch = "wasm32")]
pub fn start(run: u64, domain: String, resolver: String, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        let http = browser::BrowserHttp;
        let proxy = browser::ProxySource { api: proxy_api() };
        let mut on_event = |event: Event| dispatch.emit(action_of(run, event));
        let result = mtasts_check::run(
            &domain,
            &http,
            &resolver,
            Ok(&proxy),
            Some(crate::browser::now()),
            &mut on_event,
        )
        .await;
        dispatch.emit(Action::CheckFinished {
            run,
            result: result.map(Rc::new),
        });
    });
}

/// Natively the page only builds (unit tests, clippy): there is no browser to check from.
#[cfg(not(target_arch = "wasm32"))]
pub fn start(run: u64, _domain: String, _resolver: String, dispatch: Callback<Action>) {
    dispatch.emit(Action::CheckFinished {
        run,
        result: Err("the live check runs in a browser only".to_string()),
    });
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::{DOH_TIMEOUT_MS, PROXY_TIMEOUT_MS};
    use gloo::timers::callback::Timeout;
    use mtasts_check::PolicySource;
    use mtasts_check::dns::{HttpGet, HttpReply, MaybeSendFuture};
    use mtasts_core::fetch::FetchEvidence;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortController, ReferrerPolicy, RequestCredentials, RequestInit, RequestMode, Response};

    /// The browser's `fetch`, anonymous: no cookies, no referrer, CORS mode.
    pub struct BrowserHttp;

    impl HttpGet for BrowserHttp {
        fn get<'a>(&'a self, url: &'a str, accept: &'static str) -> MaybeSendFuture<'a, Result<HttpReply, String>> {
            Box::pin(get(url, accept, DOH_TIMEOUT_MS))
        }

        fn now_ms(&self) -> f64 {
            web_sys::window()
                .and_then(|w| w.performance())
                .map_or_else(js_sys::Date::now, |p| p.now())
        }
    }

    /// GET `url`, giving up after `timeout_ms`. `Err` says what failed, for the step list.
    async fn get(url: &str, accept: &str, timeout_ms: u32) -> Result<HttpReply, String> {
        let window = web_sys::window().ok_or("no window to fetch from")?;
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
        let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map_err(failed)?;
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
                read_reply(&self.api, reply)
            })
        }
    }

    /// The API's answer: evidence, or the proxy's reason for refusing, or why this is not
    /// the API at all (a static server without it answers 404 or a page).
    fn read_reply(api: &str, reply: HttpReply) -> Result<FetchEvidence, String> {
        let media = reply.content_type.as_deref().unwrap_or("no Content-Type");
        let json = media
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/json");
        if !json {
            return Err(format!("no proxy answered at {api}: HTTP {} ({media})", reply.status));
        }
        if reply.status == 200 {
            return crate::json::from_str(&String::from_utf8_lossy(&reply.body))
                .map_err(|e| format!("the proxy at {api} answered JSON that is not fetch evidence: {e}"));
        }
        #[derive(serde::Deserialize)]
        struct ApiError {
            error: String,
        }
        match crate::json::from_str::<ApiError>(&String::from_utf8_lossy(&reply.body)) {
            Ok(refusal) => Err(format!("the proxy did not fetch the policy: {}", refusal.error)),
            Err(_) => Err(format!("no proxy answered at {api}: HTTP {}", reply.status)),
        }
    }
}
