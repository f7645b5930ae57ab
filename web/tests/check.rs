//! The Check view in the browser (headless Chromium through wasm-bindgen-test-runner):
//! a snapshot link shows its steps, verdict and evidence without a request, and a live
//! check goes through the browser's `fetch` the way the page promises (GET, CORS, no
//! credentials, no referrer) and reports what failed.
//!
//! The page runs the check in a Web Worker; the test runner serves no worker, so these
//! hand the page the worker's own engine (`check_worker::run_in_page`): the same code and
//! the same messages, in the same browser, in the page instead of a worker.
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//! cargo test -p mtasts-web --target wasm32-unknown-unknown --test check
//! ```
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use mtasts_check_worker::engine;
use mtasts_check_worker::model::STEP_LABELS;
use mtasts_core::check::{self, CheckEvidence, DnsAnswer, DnsRecord, RType};
use mtasts_web::permalink::{self, CheckLink};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]")).ok().flatten()
}

fn all_testid(root: &Element, id: &str) -> Vec<Element> {
    let list = root.query_selector_all(&format!("[data-testid=\"{id}\"]")).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..250 {
        if let Some(v) = probe() {
            return v;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

fn render_at(fragment: &str) -> (Element, yew::AppHandle<mtasts_web::App>) {
    mtasts_web::check_worker::run_in_page(Rc::new(|request, answer| {
        wasm_bindgen_futures::spawn_local(async move { engine::handle(request, &*answer).await });
    }));
    let window = web_sys::window().unwrap();
    let _ = window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(fragment));
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<mtasts_web::App>::with_root(root.clone()).render();
    (root, app)
}

/// Two `v=STSv1` records (senders then see no policy) and no proxy.
fn twosts_evidence() -> CheckEvidence {
    let mut evidence = CheckEvidence::new("example.com");
    evidence.resolver = Some("https://cloudflare-dns.com/dns-query".into());
    evidence.checked_at = Some(1_767_225_600);
    for q in check::questions("example.com") {
        let sts = q.name == "_mta-sts.example.com" && q.rtype == RType::TXT;
        let records = if sts {
            ["20260101", "20260102"]
                .iter()
                .map(|id| DnsRecord {
                    name: q.name.clone(),
                    rtype: "TXT".into(),
                    ttl: 300,
                    data: format!("\"v=STSv1; id={id}\""),
                })
                .collect()
        } else {
            Vec::new()
        };
        evidence.dns.push(DnsAnswer {
            name: q.name.clone(),
            rtype: Some(q.rtype),
            rcode: Some(if sts { "NOERROR" } else { "NXDOMAIN" }.into()),
            records,
            elapsed_ms: Some(20),
            ..DnsAnswer::default()
        });
    }
    evidence.fetch_unavailable = Some("no proxy answered at /api/v1/policy: HTTP 404".into());
    evidence
}

#[wasm_bindgen_test]
async fn a_snapshot_link_shows_steps_verdict_and_marked_evidence() {
    let json = serde_json::to_string(&twosts_evidence()).unwrap();
    let expected = engine::judge_snapshot(&json).unwrap();
    let link = CheckLink {
        domain: "example.com".into(),
        resolver: String::new(),
        evidence: Some(json),
    };
    let (root, app) = render_at(&format!("#/check/{}", permalink::encode(&link).unwrap()));
    let verdict = wait_for("the verdict card", || {
        by_testid(&root, "check-verdict").filter(|v| v.get_attribute("data-verdict").is_some_and(|v| !v.is_empty()))
    })
    .await;
    assert_eq!(
        verdict.get_attribute("data-verdict").as_deref(),
        Some(expected.verdict.as_str())
    );
    let headline = by_testid(&root, "check-headline")
        .unwrap()
        .text_content()
        .unwrap_or_default();
    // The headline reads `code` spans as code: the text is the same without the backticks.
    assert_eq!(headline, expected.headline().replace('`', ""));
    // Every step, with its state from the evidence: the fetch failed and says why.
    let steps = all_testid(&root, "check-step");
    assert_eq!(steps.len(), STEP_LABELS.len());
    let fetch = steps
        .iter()
        .find(|s| s.get_attribute("data-step").as_deref() == Some("Policy fetch"))
        .unwrap();
    assert_eq!(fetch.get_attribute("data-state").as_deref(), Some("failed"));
    assert!(fetch.text_content().unwrap_or_default().contains("no proxy answered"));
    assert!(
        steps
            .iter()
            .filter(|s| s.get_attribute("data-step").as_deref() != Some("Policy fetch"))
            .all(|s| s.get_attribute("data-state").as_deref() == Some("done"))
    );
    // The finding, linked to its rule, and marked on the DNS line it is about.
    let finding = all_testid(&root, "check-finding")
        .into_iter()
        .find(|f| f.get_attribute("data-code").as_deref() == Some("STS-TXT-MULTIPLE"))
        .expect("STS-TXT-MULTIPLE listed");
    let rule = finding.query_selector("[data-testid=\"rule-link\"]").unwrap().unwrap();
    assert_eq!(rule.get_attribute("href").as_deref(), Some("#/rules/STS-TXT-MULTIPLE"));
    let marked = all_testid(&root, "dns-line")
        .into_iter()
        .find(|l| {
            l.get_attribute("data-codes")
                .is_some_and(|c| c.contains("STS-TXT-MULTIPLE"))
        })
        .expect("a DNS line marked with STS-TXT-MULTIPLE");
    assert!(marked.text_content().unwrap_or_default().contains("v=STSv1"));
    // A shared result, not a check run now: nothing was fetched, and it can be re-run.
    assert!(by_testid(&root, "check-shared").is_some());
    assert!(by_testid(&root, "check-rerun").is_some());
    assert!(by_testid(&root, "check-fetch-missing").is_some());
    app.destroy();
    root.remove();
}

/// While alive, `window.fetch` answers every request itself: DoH with HTTP 404, the
/// proxy's API with a 400 JSON refusal. It records each request's URL and options.
struct FakeNetwork {
    original: JsValue,
    requests: js_sys::Array,
}

impl FakeNetwork {
    fn install() -> FakeNetwork {
        let window = web_sys::window().unwrap();
        let original = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
        let requests = js_sys::Array::new();
        let make = js_sys::Function::new_with_args(
            "requests",
            "return (url, init) => {
                requests.push({url: String(url), method: init.method, mode: init.mode,
                    credentials: init.credentials, referrerPolicy: init.referrerPolicy,
                    signal: !!init.signal});
                if (String(url).includes('/api/v1/policy')) {
                    return Promise.resolve(new Response(JSON.stringify({error: 'this domain is refused'}),
                        {status: 400, headers: {'content-type': 'application/json'}}));
                }
                return Promise.resolve(new Response('not here', {status: 404, headers: {'content-type': 'text/plain'}}));
            }",
        );
        let fetch = make.call1(&JsValue::NULL, &requests).unwrap();
        js_sys::Reflect::set(&window, &"fetch".into(), &fetch).unwrap();
        FakeNetwork { original, requests }
    }
}

impl Drop for FakeNetwork {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"fetch".into(), &self.original);
        }
    }
}

#[wasm_bindgen_test]
async fn a_live_check_says_what_failed_and_why() {
    let network = FakeNetwork::install();
    let link = CheckLink {
        domain: "example.com".into(),
        resolver: "https://dns.example/dns-query".into(),
        evidence: None,
    };
    // A link without a snapshot checks live at once.
    let (root, app) = render_at(&format!("#/check/{}", permalink::encode(&link).unwrap()));
    let verdict = wait_for("the verdict", || {
        by_testid(&root, "check-verdict").filter(|v| v.get_attribute("data-verdict").is_some_and(|v| !v.is_empty()))
    })
    .await;
    assert_eq!(verdict.get_attribute("data-verdict").as_deref(), Some("incomplete"));
    let steps = all_testid(&root, "check-step");
    let text_of = |label: &str| {
        steps
            .iter()
            .find(|s| s.get_attribute("data-step").as_deref() == Some(label))
            .map(|s| {
                (
                    s.get_attribute("data-state").unwrap_or_default(),
                    s.text_content().unwrap_or_default(),
                )
            })
            .unwrap_or_else(|| panic!("no step {label}"))
    };
    let (state, text) = text_of("Policy fetch");
    assert_eq!(state, "failed");
    assert!(
        text.contains("the proxy did not fetch the policy: this domain is refused"),
        "{text}"
    );
    let (state, text) = text_of(STEP_LABELS[0]);
    assert_eq!(state, "failed");
    assert!(
        text.contains("https://dns.example/dns-query answered HTTP 404"),
        "{text}"
    );
    // Every request: GET, CORS, anonymous, with a timeout signal, to the resolver or the API.
    let requests: Vec<JsValue> = network.requests.iter().collect();
    assert!(requests.len() > 6, "{} requests", requests.len());
    for request in &requests {
        let get = |k: &str| js_sys::Reflect::get(request, &k.into()).unwrap();
        let url = get("url").as_string().unwrap();
        assert!(
            url.starts_with("https://dns.example/dns-query?dns=") || url == "/api/v1/policy?domain=example.com",
            "{url}"
        );
        assert_eq!(get("method").as_string().as_deref(), Some("GET"));
        assert_eq!(get("mode").as_string().as_deref(), Some("cors"));
        assert_eq!(get("credentials").as_string().as_deref(), Some("omit"));
        assert_eq!(get("referrerPolicy").as_string().as_deref(), Some("no-referrer"));
        assert_eq!(get("signal").as_bool(), Some(true));
    }
    // "Check" again runs again; a bad domain is refused before any request.
    let before = network.requests.length();
    let input: web_sys::HtmlInputElement = by_testid(&root, "check-domain").unwrap().unchecked_into();
    input.set_value("not a domain");
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &{
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    input.dispatch_event(&event).unwrap();
    TimeoutFuture::new(20).await;
    let button: HtmlElement = by_testid(&root, "check-start").unwrap().unchecked_into();
    button.click();
    let problem = wait_for("the problem banner", || by_testid(&root, "check-problem")).await;
    assert!(
        problem
            .text_content()
            .unwrap_or_default()
            .contains("is not a domain name")
    );
    assert_eq!(network.requests.length(), before);
    app.destroy();
    root.remove();
    drop(network);
}
