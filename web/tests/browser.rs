//! Browser tests (headless Chromium through wasm-bindgen-test-runner):
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//! cargo test -p mtasts-web --target wasm32-unknown-unknown
//! ```
//!
//! Natively this file is empty; the pure modules' unit tests run both ways.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use mtasts_web::permalink::{self, LintLink, PermalinkError};
use mtasts_web::state::{Action, State};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";

#[wasm_bindgen_test]
fn permalink_round_trip_in_the_browser() {
    let link = LintLink {
        text: POLICY.to_string(),
        kind: Some("policy".into()),
        selected: Some(0),
        ..LintLink::default()
    };
    let encoded = permalink::encode(&link).unwrap();
    assert_eq!(permalink::decode::<LintLink>(&encoded).unwrap(), link);
    assert_eq!(
        permalink::decode::<LintLink>(&encoded[..encoded.len() - 4]),
        Err(PermalinkError::Damaged)
    );
}

#[wasm_bindgen_test]
fn reducer_lints_and_fixes() {
    let state = Rc::new(State::default());
    let state = state.reduce(Action::OpenInLinter {
        text: format!("\u{feff}{POLICY}"),
        kind: None,
        mx: None,
        zone_mode: None,
    });
    let result = state.lint.result.clone().unwrap();
    assert!(!result.report.valid);
    let state = state.reduce(Action::LintFixAll);
    assert_eq!(*state.lint.text, POLICY);
    assert!(state.lint.result.as_ref().unwrap().report.valid);
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]")).ok().flatten()
}

/// Wait until `probe` gives a value (the page lints after a debounce).
async fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(v) = probe() {
            return v;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out");
}

#[wasm_bindgen_test]
async fn lint_view_shows_the_summary_after_typing() {
    let (root, app) = render_at("#/lint");
    let textarea: HtmlTextAreaElement = wait_for(|| by_testid(&root, "lint-input")).await.unchecked_into();
    textarea.set_value("v=STSv1; id=20260101T000000");
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &{
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    textarea.dispatch_event(&event).unwrap();

    let summary = wait_for(|| by_testid(&root, "lint-summary")).await;
    assert_eq!(
        summary.text_content().unwrap_or_default(),
        "Valid _mta-sts record: policy id 20260101T000000"
    );
    assert_eq!(summary.get_attribute("data-valid").as_deref(), Some("true"));

    // Switch the kind: the same text is no policy file.
    let select: web_sys::HtmlSelectElement = by_testid(&root, "lint-kind").unwrap().unchecked_into();
    select.set_value("policy");
    let change = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    select.dispatch_event(&change).unwrap();
    let invalid = wait_for(|| {
        by_testid(&root, "lint-summary").filter(|s| s.get_attribute("data-valid").as_deref() == Some("false"))
    })
    .await;
    assert!(
        invalid
            .text_content()
            .unwrap_or_default()
            .starts_with("Senders will ignore this policy")
    );
    let items = root.query_selector_all("[data-testid=\"diagnostic\"]").unwrap();
    assert!(items.length() > 0);

    // Copy link shows the full address, with the state after the #.
    let copy: HtmlElement = by_testid(&root, "copy-link").unwrap().unchecked_into();
    copy.click();
    let url = wait_for(|| by_testid(&root, "permalink-url")).await;
    assert!(
        url.text_content().unwrap_or_default().contains("#/lint/"),
        "{:?}",
        url.text_content()
    );

    app.destroy();
    root.remove();
}

/// Render the whole page at `fragment` into a fresh element.
fn render_at(fragment: &str) -> (Element, yew::AppHandle<mtasts_web::App>) {
    let window = web_sys::window().unwrap();
    let _ = window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<mtasts_web::App>::with_root(root.clone()).render();
    (root, app)
}

fn click(root: &Element, testid: &str) {
    let button: HtmlElement = by_testid(root, testid)
        .unwrap_or_else(|| panic!("no {testid}"))
        .unchecked_into();
    button.click();
}

#[wasm_bindgen_test]
async fn generate_view_is_clean_and_opens_in_the_linter() {
    let mut state = State::default();
    state.apply(Action::Navigate {
        fragment: "#/generate".into(),
        now: 1_767_225_600,
    });
    for edit in [
        mtasts_web::state::FormEdit::Domain("example.com".into()),
        mtasts_web::state::FormEdit::Mx(0, "mx1.example.com".into()),
        mtasts_web::state::FormEdit::Rua(0, "tls@example.net".into()),
    ] {
        state.apply(Action::Generate(edit, 1_767_225_600));
    }
    let (root, app) = render_at(&state.fragment().unwrap());

    let status = wait_for(|| by_testid(&root, "gen-lint-status")).await;
    assert!(status.text_content().unwrap_or_default().contains("clean"));
    let policy = by_testid(&root, "gen-policy").unwrap();
    assert!(
        policy
            .text_content()
            .unwrap_or_default()
            .contains("mx: mx1.example.com")
    );
    for id in ["gen-sts", "gen-tlsrpt", "gen-zone", "gen-hosting-nginx"] {
        assert!(by_testid(&root, id).is_some(), "{id}");
        assert!(by_testid(&root, &format!("copy-{id}")).is_some(), "copy-{id}");
    }

    click(&root, "gen-open-in-linter");
    let summary = wait_for(|| by_testid(&root, "lint-summary")).await;
    assert_eq!(summary.get_attribute("data-valid").as_deref(), Some("true"));
    assert!(by_testid(&root, "view-lint").is_some());

    app.destroy();
    root.remove();
}

/// While alive, `window.fetch` answers requests for rules.json itself, with `status` and
/// `body` (other requests go to the browser's fetch), and counts them. The test runner
/// serves no rules.json; this stands in for the one the page's build writes.
struct RuleDocsServer {
    original: JsValue,
    fetches: Rc<js_sys::Object>,
}

impl RuleDocsServer {
    fn answer(status: u16, body: &str) -> RuleDocsServer {
        let window = web_sys::window().unwrap();
        let original = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
        let fetches = Rc::new(js_sys::Object::new());
        js_sys::Reflect::set(&fetches, &"count".into(), &0.into()).unwrap();
        let make = js_sys::Function::new_with_args(
            "original, status, body, fetches",
            "return (url, init) => {
                if (!String(url).endsWith('rules.json')) return original.call(window, url, init);
                fetches.count += 1;
                return Promise.resolve(new Response(body, {status, headers: {'content-type': 'application/json'}}));
            }",
        );
        let args = js_sys::Array::of4(&original, &status.into(), &body.into(), &fetches);
        let fetch = make.apply(&JsValue::NULL, &args).unwrap();
        js_sys::Reflect::set(&window, &"fetch".into(), &fetch).unwrap();
        RuleDocsServer { original, fetches }
    }

    /// rules.json as the build writes it (`mtasts rules --json --docs`): the tests build the
    /// engine with its docs.
    fn docs() -> RuleDocsServer {
        let list = js_sys::Array::new();
        for rule in mtasts_core::rules::all() {
            let entry = js_sys::Object::new();
            js_sys::Reflect::set(&entry, &"code".into(), &rule.code.into()).unwrap();
            js_sys::Reflect::set(&entry, &"title".into(), &rule.title().into()).unwrap();
            js_sys::Reflect::set(&entry, &"doc".into(), &rule.doc.into()).unwrap();
            list.push(&entry);
        }
        let body = js_sys::JSON::stringify(&list).unwrap().as_string().unwrap();
        RuleDocsServer::answer(200, &body)
    }

    fn fetches(&self) -> u32 {
        js_sys::Reflect::get(&self.fetches, &"count".into())
            .ok()
            .and_then(|c| c.as_f64())
            .unwrap_or_default() as u32
    }
}

impl Drop for RuleDocsServer {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"fetch".into(), &self.original);
        }
    }
}

/// Go to `fragment` as a link would (the page follows `hashchange`).
fn follow(fragment: &str) {
    web_sys::window().unwrap().location().set_hash(fragment).unwrap();
}

#[wasm_bindgen_test]
async fn rule_docs_are_fetched_once_when_the_rules_view_opens() {
    let server = RuleDocsServer::docs();
    let (root, app) = render_at("#/lint");
    wait_for(|| by_testid(&root, "lint-input")).await;
    TimeoutFuture::new(100).await;
    assert_eq!(server.fetches(), 0, "the Lint view needs no rule docs");

    follow("#/rules/POLICY-BOM");
    let body = wait_for(|| {
        by_testid(&root, "rule-doc")
            .filter(|d| d.get_attribute("data-code").as_deref() == Some("POLICY-BOM"))
            .and_then(|d| by_testid(&d, "rule-doc-body"))
    })
    .await;
    let text = body.text_content().unwrap_or_default();
    assert!(text.contains("What it checks") && text.contains("How to fix"), "{text}");
    assert!(text.contains("EF BB BF"), "the POLICY-BOM doc: {text}");
    assert!(by_testid(&root, "rule-doc-loading").is_none());

    // Another rule, another view and back: the docs are kept for the session.
    follow("#/rules/STS-TXT-EMPTY-FIELD");
    wait_for(|| {
        by_testid(&root, "rule-doc")
            .filter(|d| d.get_attribute("data-code").as_deref() == Some("STS-TXT-EMPTY-FIELD"))
            .and_then(|d| by_testid(&d, "rule-doc-body"))
    })
    .await;
    follow("#/generate");
    wait_for(|| by_testid(&root, "view-generate")).await;
    follow("#/rules");
    wait_for(|| by_testid(&root, "rules-list")).await;
    TimeoutFuture::new(100).await;
    assert_eq!(server.fetches(), 1);

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_failed_rule_docs_fetch_says_why_and_tries_again() {
    let missing = RuleDocsServer::answer(404, "not found");
    let (root, app) = render_at("#/rules/POLICY-BOM");
    // The heading is in the page; only the body waits for the docs.
    let title = wait_for(|| by_testid(&root, "rule-doc")).await;
    assert!(title.text_content().unwrap_or_default().contains("byte order mark"));
    let error = wait_for(|| by_testid(&root, "rule-doc-error")).await;
    let message = error.text_content().unwrap_or_default();
    assert!(message.contains("rules.json") && message.contains("404"), "{message}");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(missing.fetches(), 1);
    drop(missing);

    let server = RuleDocsServer::docs();
    click(&root, "rule-doc-retry");
    wait_for(|| by_testid(&root, "rule-doc-body")).await;
    assert!(by_testid(&root, "rule-doc-error").is_none());
    assert_eq!(server.fetches(), 1);

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn rule_example_opens_in_the_linter() {
    let _server = RuleDocsServer::docs();
    let (root, app) = render_at("#/rules/POLICY-BOM");
    let doc = wait_for(|| by_testid(&root, "rule-doc")).await;
    assert_eq!(doc.get_attribute("data-code").as_deref(), Some("POLICY-BOM"));
    // The examples arrive with the docs.
    wait_for(|| by_testid(&root, "rule-example-open")).await;
    click(&root, "rule-example-open");
    let item = wait_for(|| {
        root.query_selector("[data-testid=\"diagnostic\"][data-code=\"POLICY-BOM\"]")
            .ok()
            .flatten()
    })
    .await;
    assert_eq!(item.get_attribute("data-severity").as_deref(), Some("error"));
    // Its fix applies with one click and the policy becomes valid.
    let fix: HtmlElement = item
        .query_selector("[data-testid=\"apply-fix\"]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    fix.click();
    let summary = wait_for(|| {
        by_testid(&root, "lint-summary").filter(|s| s.get_attribute("data-valid").as_deref() == Some("true"))
    })
    .await;
    assert!(summary.text_content().unwrap_or_default().starts_with("Valid policy"));

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn damaged_link_shows_a_message_and_an_empty_view() {
    let (root, app) = render_at("#/lint/q1YqUbJSiilNS01LK0stKs7Mz7NSCA4JLjOMKY");
    let banner = wait_for(|| by_testid(&root, "permalink-error")).await;
    assert!(banner.text_content().unwrap_or_default().contains("damaged"));
    assert!(by_testid(&root, "view-lint").is_some());
    assert!(by_testid(&root, "lint-summary").is_none());
    app.destroy();
    root.remove();
}
