//! The page as a user drives it, in headless Chromium: lint, fix, generate, permalinks,
//! rule docs, a phone-sized window, the keyboard, and no request leaving the origin.
//!
//! Ignored by default (they need the built page and Chromium):
//!
//! ```sh
//! trunk build --release
//! cargo test -p mtasts-e2e -- --ignored --test-threads=1
//! ```
//!
//! Screenshots of each view land in `target/e2e-screenshots/`.

use mtasts_e2e::{Bed, Key, Page, START_TIMEOUT, TIMEOUT, eventually, tid};
use serde_json::json;

/// A policy with a BOM, `Mode:` in the wrong case and an MX host with a trailing dot:
/// three certain fixes away from valid.
const BROKEN_POLICY: &str = "\u{feff}version: STSv1\r\nMode: enforce\r\nmx: mail.example.com.\r\nmax_age: 604800\r\n";

/// `data-code`s of the listed diagnostics.
async fn codes(page: &Page<'_>) -> Vec<String> {
    let v = page
        .js("return [...document.querySelectorAll('[data-testid=\"diagnostic\"]')].map(d => d.dataset.code)")
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn summary_valid(page: &Page<'_>) -> Option<String> {
    let v = page
        .js("const s = document.querySelector('[data-testid=\"lint-summary\"]'); return s ? s.dataset.valid : null")
        .await;
    v.as_str().map(str::to_string)
}

/// Wait for the summary to say `data-valid="valid"`.
async fn wait_valid(page: &Page<'_>, valid: bool) {
    let wanted = valid.to_string();
    eventually(&format!("lint-summary data-valid={wanted}"), TIMEOUT, || async {
        (summary_valid(page).await.as_deref() == Some(wanted.as_str())).then_some(())
    })
    .await;
}

async fn wait_code(page: &Page<'_>, code: &str, present: bool) {
    let what = format!("diagnostic {code} to be {}", if present { "listed" } else { "gone" });
    eventually(&what, TIMEOUT, || async {
        (codes(page).await.iter().any(|c| c == code) == present).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn lint_shows_findings_and_applies_fixes() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("#/lint").await;
    page.find("view-lint").await;
    page.paste("lint-input", BROKEN_POLICY).await;

    for code in ["POLICY-BOM", "POLICY-CASE-VARIANT-FIELD", "POLICY-MX-TRAILING-DOT"] {
        wait_code(&page, code, true).await;
    }
    wait_valid(&page, false).await;
    // Every item says how bad it is and where.
    let items = page
        .js("return [...document.querySelectorAll('[data-testid=\"diagnostic\"]')]
                .map(d => [d.dataset.code, d.dataset.severity, d.dataset.line])")
        .await;
    for item in items.as_array().expect("a list of diagnostics") {
        let severity = item[1].as_str().unwrap_or_default();
        assert!(
            ["error", "warning", "info"].contains(&severity),
            "diagnostic with data-severity {severity:?}: {item}"
        );
        let line: u32 = item[2].as_str().unwrap_or_default().parse().unwrap_or(0);
        assert!(line >= 1, "diagnostic without a line: {item}");
    }
    // The text arrived as pasted: the BOM is shown, and the CRs are kept by the page (a
    // textarea's value has LF only), so the policy is not reported as LF-terminated.
    assert_eq!(page.value("lint-input").await, BROKEN_POLICY.replace('\r', ""));
    assert!(
        !codes(&page).await.iter().any(|c| c == "POLICY-LF-LINE-ENDINGS"),
        "the CRs were lost"
    );
    page.screenshot("lint").await;

    // One fix: the BOM goes, and with it its finding.
    page.click_css(&format!(
        "{}[data-code=\"POLICY-BOM\"] {}",
        tid("diagnostic"),
        tid("apply-fix")
    ))
    .await;
    wait_code(&page, "POLICY-BOM", false).await;
    assert!(!page.value("lint-input").await.starts_with('\u{feff}'));
    assert!(codes(&page).await.iter().any(|c| c == "POLICY-MX-TRAILING-DOT"));

    // Fix all: valid.
    page.click("fix-all").await;
    wait_valid(&page, true).await;
    let fixed = page.value("lint-input").await;
    assert_eq!(
        fixed,
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n"
    );
    let fix_all = page.find("fix-all").await;
    assert!(
        !fix_all.is_enabled().await.unwrap(),
        "Fix all stays enabled with nothing to fix"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn generate_gives_records_that_lint_clean() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("#/generate").await;
    page.find("view-generate").await;

    page.type_into("gen-domain", "example.com").await;
    if !page.exists("gen-mx-0").await {
        page.click("gen-mx-add").await;
    }
    page.type_into("gen-mx-0", "mx1.example.com").await;
    page.click("gen-mx-add").await;
    page.type_into("gen-mx-1", "*.mail.example.net").await;
    page.find("gen-mode").await.select_by_value("enforce").await.unwrap();
    if !page.exists("gen-rua-0").await {
        page.click("gen-rua-add").await;
    }
    page.type_into("gen-rua-0", "tls-reports@example.com").await;

    page.wait_js(
        "the generated policy (enforce, both MX hosts)",
        "const p = document.querySelector('[data-testid=\"gen-policy\"]');
         return p && p.textContent.includes('mode: enforce') && p.textContent.includes('mx: mx1.example.com')
             && p.textContent.includes('mx: *.mail.example.net')",
    )
    .await;
    let sts = page.text("gen-sts").await;
    assert!(sts.contains("v=STSv1") && sts.contains("id="), "gen-sts: {sts}");
    let tlsrpt = page.text("gen-tlsrpt").await;
    assert!(
        tlsrpt.contains("v=TLSRPTv1") && tlsrpt.contains("mailto:tls-reports@example.com"),
        "gen-tlsrpt: {tlsrpt}"
    );
    let zone = page.text("gen-zone").await;
    assert!(zone.contains("_mta-sts.example.com"), "gen-zone: {zone}");
    assert!(page.exists("gen-hosting-nginx").await, "no nginx hosting file");
    assert!(
        !page.exists("gen-error").await,
        "gen-error shown: {}",
        page.text("gen-error").await
    );
    let status = page.text("gen-lint-status").await;
    assert!(status.contains("clean"), "gen-lint-status: {status}");
    page.screenshot("generate").await;

    let policy = page.text("gen-policy").await;
    page.click("gen-open-in-linter").await;
    page.find("view-lint").await;
    wait_valid(&page, true).await;
    // The linter holds the policy as generated (CRLF; the <pre> shows it without CRs).
    assert_eq!(page.value("lint-input").await.replace('\r', ""), policy);
    assert_eq!(page.value("lint-kind").await, "policy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn permalink_opens_the_same_view_in_a_fresh_browser() {
    let bed = Bed::start().await;
    let text = "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400\n";
    let (url, summary, valid) = {
        let page = bed.browser().await;
        page.open("#/lint").await;
        page.type_into("lint-input", text).await;
        page.find("lint-summary").await;
        eventually("the lint of the typed text", TIMEOUT, || async {
            let stale = page.js("return !!document.querySelector('.summary.stale')").await;
            (stale == json!(false) && page.value("lint-input").await == text).then_some(())
        })
        .await;
        let summary = page.text("lint-summary").await;
        let valid = page.attr("lint-summary", "data-valid").await;
        page.click("copy-link").await;
        let url = page.text("permalink-url").await;
        assert!(url.starts_with(&page.url("#/lint/")), "permalink {url:?}");
        (url, summary, valid)
    };

    // A new session: a fresh profile, nothing in storage; the link alone carries the text.
    let fresh = bed.browser().await;
    fresh.open_url(&url).await;
    fresh.find("view-lint").await;
    eventually("the linked text in the editor", TIMEOUT, || async {
        (fresh.value("lint-input").await == text).then_some(())
    })
    .await;
    eventually("the same summary", TIMEOUT, || async {
        (fresh.text("lint-summary").await == summary).then_some(())
    })
    .await;
    assert_eq!(fresh.attr("lint-summary", "data-valid").await, valid);
    assert!(!fresh.exists("permalink-error").await);

    // A damaged link: an error banner and an empty view, and the page still works.
    let (base, payload) = url.split_once("#/lint/").expect("a #/lint/ link");
    let cut = payload.len() / 2;
    let damaged = format!("{base}#/lint/{}!!{}", &payload[..cut], &payload[cut + 2..]);
    let broken = bed.browser().await;
    broken.open_url(&damaged).await;
    broken.find("permalink-error").await;
    broken.find("view-lint").await;
    assert_eq!(broken.value("lint-input").await, "");
    broken.screenshot("lint-damaged-link").await;
    broken.type_into("lint-input", "version: STSv1\n").await;
    broken.find("lint-summary").await;
    wait_valid(&broken, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn rule_docs_open_their_examples_in_the_linter() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("#/rules").await;
    page.find("rules-list").await;
    let listed = page
        .js("return document.querySelectorAll('[data-testid=\"rules-list\"] [data-testid=\"rule-link\"]').length")
        .await;
    assert!(listed.as_u64().unwrap_or(0) > 50, "rules-list has {listed} rule links");
    page.screenshot("rules").await;

    page.open("#/rules/POLICY-BOM").await;
    assert_eq!(page.attr("rule-doc", "data-code").await.as_deref(), Some("POLICY-BOM"));
    // The doc itself comes from rules.json, a moment later.
    page.find("rule-doc-body").await;
    page.screenshot("rule-POLICY-BOM").await;
    // The first example is the one that fires.
    page.click("rule-example-open").await;
    page.find("view-lint").await;
    wait_code(&page, "POLICY-BOM", true).await;
    assert!(page.value("lint-input").await.starts_with('\u{feff}'));

    // A rule link in the findings leads back to the rule's page (once the address is the
    // linter's: before, a link to the rule page the address still names does nothing).
    page.wait_js(
        "the address to follow to the linter",
        "return location.hash.startsWith('#/lint')",
    )
    .await;
    page.click_css(&format!(
        "{}[data-code=\"POLICY-BOM\"] {}",
        tid("diagnostic"),
        tid("rule-link")
    ))
    .await;
    page.wait_js(
        "the POLICY-BOM page",
        "const d = document.querySelector('[data-testid=\"rule-doc\"]'); return d && d.dataset.code === 'POLICY-BOM'",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn rule_docs_come_from_rules_json_when_the_rules_view_opens() {
    // rules.json as the build wrote it: every rule with its doc.
    let dist = mtasts_e2e::dist_dir();
    let file = dist.join("rules.json");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (Trunk.toml's pre_build hook writes it)", file.display()));
    let rules: serde_json::Value = serde_json::from_str(&text).expect("rules.json is JSON");
    let rules = rules.as_array().expect("rules.json is a list");
    assert!(rules.len() > 50, "rules.json lists {} rules", rules.len());
    for rule in rules {
        let doc = rule["doc"].as_str().unwrap_or_default();
        assert!(
            doc.contains("## How to fix"),
            "rules.json: no full doc for {}",
            rule["code"]
        );
    }
    let doc = rules
        .iter()
        .find(|r| r["code"] == "POLICY-BOM")
        .and_then(|r| r["doc"].as_str())
        .expect("POLICY-BOM in rules.json");
    // Plain words of the doc's first paragraph (before any Markdown markup).
    let words = doc
        .split("## What it checks")
        .nth(1)
        .and_then(|s| s.trim().lines().next())
        .and_then(|line| line.split(['`', '*']).next())
        .map(str::trim)
        .expect("POLICY-BOM's doc has a What it checks paragraph");
    assert!(words.len() > 20, "{words:?}");
    // Only rules.json holds the docs: not the page's module (nor the report worker).
    for entry in std::fs::read_dir(&dist).expect("read dist/").flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n != "rules.json") && path.is_file() {
            let bytes = std::fs::read(&path).expect("read a file of dist/");
            assert!(
                !bytes.windows(words.len()).any(|w| w == words.as_bytes()),
                "{} holds rule docs",
                path.display()
            );
        }
    }

    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("#/lint").await;
    page.find("view-lint").await;
    page.watch_csp().await;
    let fetched_docs = || async {
        page.loaded_urls()
            .await
            .iter()
            .any(|u| u == &format!("{}/rules.json", page.origin()))
    };
    assert!(
        !fetched_docs().await,
        "rules.json was fetched before the Rules view opened"
    );
    // The live check is a worker with a module of its own, fetched with the Check view.
    let check_worker = format!("{}/mtasts-check-worker_bg.wasm", page.origin());
    assert!(
        !page.loaded_urls().await.contains(&check_worker),
        "the check worker was fetched before the Check view opened"
    );

    page.click("nav-rules").await;
    page.find("rules-list").await;
    page.click_css(&format!("{}[data-code=\"POLICY-BOM\"]", tid("rule-link")))
        .await;
    let shown = page
        .wait_js(
            "the POLICY-BOM doc from rules.json",
            "const d = document.querySelector('[data-testid=\"rule-doc\"][data-code=\"POLICY-BOM\"] [data-testid=\"rule-doc-body\"]'); return d && d.textContent",
        )
        .await;
    let shown = shown.as_str().unwrap_or_default();
    assert!(shown.contains(words), "the page shows {shown:.200?}, not {words:?}");
    assert!(fetched_docs().await, "rules.json is not among the page's requests");
    assert!(!page.exists("rule-doc-error").await);
    let violations = page.csp_violations().await;
    assert!(
        violations.is_empty(),
        "Content-Security-Policy violations: {violations:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn navigation_reaches_every_view() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("").await;
    page.find("view-lint").await;
    page.watch_csp().await;
    for view in ["generate", "rules", "check", "reports", "lint"] {
        page.click(&format!("nav-{view}")).await;
        page.find(&format!("view-{view}")).await;
        let current = page.attr(&format!("nav-{view}"), "aria-current").await;
        assert_eq!(current.as_deref(), Some("page"), "nav-{view} is not marked current");
        if view == "reports" && page.exists("reports-sample").await {
            // The report reader is a worker with a module of its own, fetched now: it must
            // start under the page's Content-Security-Policy and read the samples.
            page.click("reports-sample").await;
            eventually("the sample reports to be read", START_TIMEOUT, || async {
                page.exists("reports-summary").await.then_some(())
            })
            .await;
            let failed = page
                .js("return !!document.querySelector('.view-reports [role=alert]')")
                .await;
            assert_eq!(failed, json!(false), "the report reader failed");
        }
        if matches!(view, "check" | "reports") {
            page.screenshot(view).await;
        }
    }
    let violations = page.csp_violations().await;
    assert!(
        violations.is_empty(),
        "Content-Security-Policy violations: {violations:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn phone_width_and_keyboard() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.set_window_size(390, 844).await;
    page.open("#/lint").await;
    let width = page.js("return window.innerWidth").await;
    assert!(
        width.as_u64().is_some_and(|w| w <= 400),
        "innerWidth {width} at a 390px window"
    );

    // From the top of the page, Tab reaches the editor...
    let mut path = Vec::new();
    for _ in 0..40 {
        page.press(&[Key::Tab]).await;
        let focused = page.focused().await;
        path.push(focused.clone());
        if focused == "lint-input" {
            break;
        }
    }
    assert_eq!(
        path.last().map(String::as_str),
        Some("lint-input"),
        "Tab never reached the editor; focus went {path:?}"
    );
    // ...typing goes into it, and Tab leaves it again (no keyboard trap).
    page.find("lint-input")
        .await
        .send_keys(BROKEN_POLICY.trim_start_matches('\u{feff}'))
        .await
        .unwrap();
    wait_valid(&page, false).await;
    page.press(&[Key::Tab]).await;
    assert_ne!(page.focused().await, "lint-input", "Tab does not leave the editor");

    // Nothing wider than the phone.
    let overflow = page
        .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await;
    assert!(
        overflow.as_i64().is_some_and(|px| px <= 0),
        "the page scrolls sideways at 390px by {overflow}px"
    );
    page.screenshot("lint-phone").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ (trunk build --release) and Chromium; `cargo xtask test` runs it"]
async fn no_request_leaves_the_origin() {
    let bed = Bed::start().await;
    let page = bed.browser().await;
    page.open("#/lint").await;
    // Count CSP violations from here on while the page is used.
    page.watch_csp().await;
    page.paste("lint-input", BROKEN_POLICY).await;
    wait_valid(&page, false).await;
    page.click("fix-all").await;
    wait_valid(&page, true).await;
    page.click("copy-link").await;
    page.find("permalink-url").await;
    for view in ["generate", "rules"] {
        page.click(&format!("nav-{view}")).await;
        page.find(&format!("view-{view}")).await;
    }
    page.open("#/rules/POLICY-BOM").await;
    page.find("rule-doc").await;

    let origin = page.origin();
    let urls = page.loaded_urls().await;
    assert!(
        urls.iter().any(|u| u.ends_with(".wasm")),
        "the module is not among {urls:?}"
    );
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|u| !(u.starts_with(&format!("{origin}/")) || *u == &origin))
        .collect();
    assert!(foreign.is_empty(), "requests to other origins: {foreign:?}");
    let violations = page.csp_violations().await;
    assert!(
        violations.is_empty(),
        "Content-Security-Policy violations: {violations:#?}"
    );

    // The server sends the policy, too.
    let csp = page
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(location.href).then(r => done(r.headers.get('content-security-policy')), e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    let declared = mtasts_proxy::content_security_policy(&mtasts_e2e::dist_dir());
    assert!(declared.contains("default-src 'self'"), "{declared}");
    assert_eq!(csp, json!(declared));

    // And the policy is enforced (so no violation above means none happened): an inline
    // style attribute is refused and reported.
    page.js("document.body.setAttribute('style', 'outline: 1px solid red'); return true")
        .await;
    eventually("the refused inline style to be reported", TIMEOUT, || async {
        (!page.csp_violations().await.is_empty()).then_some(())
    })
    .await;
}
