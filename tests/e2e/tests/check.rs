//! The Check view as a user drives it, in headless Chromium, against the test bed's real
//! servers: the page asks the bed's DoH (dnsdist in front of BIND) from the browser, and
//! its proxy API fetches the policies from the bed's nginx with the bed's test CA.
//!
//! Ignored by default (they need the built page, Chromium, bind9, dnsdist and nginx):
//!
//! ```sh
//! trunk build --release
//! cargo test -p mtasts-e2e --test check -- --ignored --test-threads=1
//! ```
//!
//! Screenshots land in `target/e2e-screenshots/check-*.png`.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::any;
use mtasts_check::native::{DohLookup, ReqwestHttp};
use mtasts_e2e::{Bed, Page, START_TIMEOUT, dist_dir, eventually};
use mtasts_proxy::Config;
use mtasts_testbed::TestBed;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How long a check of a test-bed domain may take (every answer is local).
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// A server for the page on a loopback port until dropped.
struct Site {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn listen() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the page's server to a loopback port");
    let base = format!("http://{}/", listener.local_addr().expect("server address"));
    (listener, base)
}

/// dist/ and the policy API, the API fetching from the bed as a sender would.
async fn site_with_api(bed: &TestBed) -> Site {
    let (listener, base) = listen().await;
    let mut config = Config::new(dist_dir());
    config.fetch.allow_loopback = true;
    config.fetch.https_port = bed.https_port();
    config.fetch.extra_roots_pem = bed.ca_pem().as_bytes().to_vec();
    config.fetch.total_timeout = Duration::from_secs(10);
    config.lookup = Arc::new(DohLookup {
        http: ReqwestHttp::new(Duration::from_secs(10), &[]).expect("a DoH client"),
        resolver: bed.doh_url(),
    });
    config.rate_per_minute = 0;
    config.log_requests = false;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(mtasts_proxy::serve_app(listener, config, async move {
        let _ = stopped.await;
    }));
    Site { base, _stop: stop }
}

/// dist/ as a plain static host serves it: no policy API (a 404 page at its path).
async fn site_without_api() -> Site {
    let (listener, base) = listen().await;
    let app = Router::new()
        .route(
            "/api/v1/policy",
            any(|| async { (StatusCode::NOT_FOUND, "404 page not found") }),
        )
        .fallback_service(mtasts_proxy::router(dist_dir()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Site { base, _stop: stop }
}

/// Pick the custom resolver and enter `url`.
async fn use_resolver(page: &Page<'_>, url: &str) {
    page.find("check-resolver")
        .await
        .select_by_value("custom")
        .await
        .expect("choose the custom resolver");
    page.type_into("check-custom-resolver", url).await;
}

/// Check `domain` (typed, then Enter) and wait for its verdict; gives `data-verdict`.
async fn check(page: &Page<'_>, domain: &str) -> String {
    page.js_with(
        "const el = document.querySelector('[data-testid=\"check-domain\"]');
         el.value = ''; el.dispatchEvent(new InputEvent('input', {bubbles: true})); return true",
        vec![],
    )
    .await;
    page.type_into("check-domain", &format!("{domain}\n")).await;
    verdict_of(page, domain).await
}

/// The verdict card's `data-verdict` once it is about `domain`.
async fn verdict_of(page: &Page<'_>, domain: &str) -> String {
    let script = "const v = document.querySelector('[data-testid=\"check-verdict\"]');
                  return v && v.dataset.domain === arguments[0] && v.dataset.verdict ? v.dataset.verdict : null";
    let what = format!("the verdict on {domain} ({})", page.describe().await);
    eventually(&what, CHECK_TIMEOUT, || async {
        page.js_with(script, vec![json!(domain)])
            .await
            .as_str()
            .map(str::to_string)
    })
    .await
}

/// `[step label, data-state, text]` of each step.
async fn steps(page: &Page<'_>) -> Vec<(String, String, String)> {
    let v = page
        .js("return [...document.querySelectorAll('[data-testid=\"check-step\"]')]
                .map(s => [s.dataset.step, s.dataset.state, s.textContent])")
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// `data-code`s of the findings listed.
async fn finding_codes(page: &Page<'_>) -> Vec<String> {
    let v = page
        .js("return [...document.querySelectorAll('[data-testid=\"check-finding\"]')].map(f => f.dataset.code)")
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn text_of(page: &Page<'_>, css: &str) -> String {
    page.js_with(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
        vec![json!(css)],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/, Chromium, bind9, dnsdist and nginx; `cargo xtask test` runs it"]
async fn check_view_judges_test_bed_domains_and_shares_the_result() {
    let testbed = TestBed::start().expect("the test bed starts");
    let bed = Bed::start().await;
    let site = site_with_api(&testbed).await;
    let page = bed.browser().await;
    page.open_url(&format!("{}#/check", site.base)).await;
    page.watch_csp().await;
    page.find("view-check").await;
    assert!(page.exists("check-empty").await, "nothing runs before Check");
    use_resolver(&page, &testbed.doh_url()).await;

    // A working enforce deployment.
    let enforce = testbed.domain("enforce");
    assert_eq!(check(&page, &enforce).await, "enforce and working");
    assert_eq!(text_of(&page, ".verdict-title").await, "Enforce and working");
    // A page cannot speak SMTP: the reasons say the MX hosts were not probed, and how to.
    let reasons = text_of(&page, "[data-testid=\"check-reasons\"]").await;
    assert!(
        reasons.contains("a web page cannot open SMTP connections to port 25"),
        "{reasons}"
    );
    for (label, state, text) in steps(&page).await {
        assert_eq!(state, "done", "{label}: {text}");
        assert!(text.contains(" ms"), "{label} shows no time: {text}");
    }
    let facts = text_of(&page, "[data-testid=\"check-fetch-facts\"]").await;
    for fact in ["HTTP status200", "TLSTLSv1.3", "Certificate names", "Trusted chainyes"] {
        assert!(facts.contains(fact), "no `{fact}` in the fetch facts: {facts}");
    }
    let body = text_of(&page, "[data-testid=\"check-policy-text\"]").await;
    assert!(body.contains("mode: enforce"), "{body}");
    page.screenshot("check-enforce").await;
    page.set_window_size(390, 844).await;
    page.screenshot("check-enforce-phone").await;
    page.set_window_size(mtasts_e2e::DESKTOP.0, mtasts_e2e::DESKTOP.1).await;

    // Two _mta-sts records: broken, and the finding is marked on the DNS answer.
    let twosts = testbed.domain("twosts");
    assert_eq!(check(&page, &twosts).await, "broken");
    assert!(finding_codes(&page).await.contains(&"STS-TXT-MULTIPLE".to_string()));
    let marked = page
        .js("return [...document.querySelectorAll('[data-testid=\"dns-line\"]')]
                .filter(l => (l.dataset.codes || '').split(' ').includes('STS-TXT-MULTIPLE'))
                .map(l => l.textContent)")
        .await;
    let marked: Vec<String> = serde_json::from_value(marked).unwrap_or_default();
    assert!(
        marked
            .iter()
            .any(|l| l.contains("v=STSv1") && l.contains("STS-TXT-MULTIPLE")),
        "STS-TXT-MULTIPLE is not shown on a DNS answer line: {marked:?}"
    );
    page.screenshot("check-twosts").await;

    // An MX host the policy does not cover: the finding and its fix, on the policy line.
    let uncovered = testbed.domain("uncovered");
    assert_eq!(check(&page, &uncovered).await, "broken");
    let finding = "[data-testid=\"check-finding\"][data-code=\"MXC-MX-NOT-COVERED\"]";
    let fix = text_of(&page, &format!("{finding} [data-testid=\"check-fix\"]")).await;
    assert!(fix.starts_with("Fix: add mx: mail.uncovered."), "the fix reads {fix:?}");
    assert_eq!(
        page.js_with(
            "return document.querySelector(arguments[0] + ' [data-testid=\"rule-link\"]').getAttribute('href')",
            vec![json!(finding)]
        )
        .await,
        json!("#/rules/MXC-MX-NOT-COVERED")
    );
    page.screenshot("check-uncovered").await;

    // Share it with the result: a fresh browser shows the same verdict without checking.
    page.click("check-include-result").await;
    page.click("copy-link").await;
    let url = page.text("permalink-url").await;
    assert!(url.starts_with(&format!("{}#/check/", site.base)), "{url}");
    assert_eq!(page.csp_violations().await, Vec::<String>::new());
    drop(page);

    let colleague = bed.browser().await;
    colleague.open_url(&url).await;
    assert_eq!(verdict_of(&colleague, &uncovered).await, "broken");
    assert!(colleague.exists("check-shared").await);
    assert!(
        finding_codes(&colleague)
            .await
            .contains(&"MXC-MX-NOT-COVERED".to_string())
    );
    let doh = testbed.doh_url();
    let requests: Vec<String> = colleague
        .loaded_urls()
        .await
        .into_iter()
        .filter(|u| u.starts_with(&doh) || u.contains("/api/"))
        .collect();
    assert_eq!(requests, Vec::<String>::new(), "the snapshot was checked again");
    colleague.screenshot("check-snapshot").await;
    // "Re-run live" checks again, at the resolver in the link.
    colleague.click("check-rerun").await;
    eventually("the re-run to ask the resolver", START_TIMEOUT, || async {
        let urls = colleague.loaded_urls().await;
        urls.iter().any(|u| u.starts_with(&doh)).then_some(())
    })
    .await;
    assert_eq!(verdict_of(&colleague, &uncovered).await, "broken");
    assert!(!colleague.exists("check-shared").await);

    // The fetched policy opens in the linter, held against the domain's MX hosts.
    colleague.click("check-open-in-linter").await;
    colleague.find("view-lint").await;
    assert_eq!(colleague.value("lint-mx").await, format!("mail.{uncovered}."));
    eventually("the linter to list MXC-MX-NOT-COVERED", START_TIMEOUT, || async {
        let v = colleague
            .js("return !!document.querySelector('[data-testid=\"diagnostic\"][data-code=\"MXC-MX-NOT-COVERED\"]')")
            .await;
        (v == json!(true)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/, Chromium, bind9, dnsdist and nginx; `cargo xtask test` runs it"]
async fn without_the_api_the_dns_part_runs_and_the_verdict_is_incomplete() {
    let testbed = TestBed::start().expect("the test bed starts");
    let bed = Bed::start().await;
    let site = site_without_api().await;
    let page = bed.browser().await;
    page.open_url(&format!("{}#/check", site.base)).await;
    use_resolver(&page, &testbed.doh_url()).await;
    let enforce = testbed.domain("enforce");
    assert_eq!(check(&page, &enforce).await, "incomplete");
    for (label, state, text) in steps(&page).await {
        if label == "Policy fetch" {
            assert_eq!(state, "failed", "{text}");
            assert!(
                text.contains("no proxy answered at /api/v1/policy: HTTP 404"),
                "the fetch step says {text:?}"
            );
        } else {
            assert_eq!(state, "done", "{label}: {text}");
        }
    }
    let headline = text_of(&page, "[data-testid=\"check-headline\"]").await;
    assert!(!headline.is_empty());
    let missing = text_of(&page, "[data-testid=\"check-fetch-missing\"]").await;
    assert!(missing.contains("no proxy answered"), "{missing}");
    page.screenshot("check-no-api").await;
}
