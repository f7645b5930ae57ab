//! Browser tests of the Reports view (headless Chromium through wasm-bindgen-test-runner;
//! see tests/browser.rs for the command). The report reader runs in a Web Worker in the
//! page; the test runner serves no worker, so these call the reader's library directly:
//! the same code the worker runs, in the same browser.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use mtasts_report_worker::render::{Shown, Sorts, render};
use mtasts_report_worker::{Reader, link, process, sample_reports};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]")).ok().flatten()
}

/// Mount the reader's HTML the way the view does.
fn mount(html: &str) -> Element {
    let root = document().create_element("div").unwrap();
    root.set_inner_html(html);
    document().body().unwrap().append_child(&root).unwrap();
    root
}

fn shown(n: usize) -> Shown {
    let out = process(&sample_reports(n));
    Shown {
        summary: out.summary,
        files: Some(out.files),
        files_failed: out.files_failed,
        errors: out.errors,
        warnings: out.warnings,
    }
}

fn first_cells(root: &Element, table: &str) -> Vec<String> {
    let cells = root
        .query_selector_all(&format!("[data-testid=\"{table}\"] tbody tr td:first-child"))
        .unwrap();
    (0..cells.length())
        .filter_map(|i| cells.item(i).and_then(|c| c.text_content()))
        .collect()
}

#[wasm_bindgen_test]
fn summary_chart_and_tables_render() {
    let shown = shown(60);
    let root = mount(&render(&shown, Sorts::default()));
    let summary = by_testid(&root, "reports-summary").unwrap().text_content().unwrap();
    assert!(
        summary.starts_with("60 reports from 60 files, 2026-01-01 to 2026-01-30"),
        "{summary}"
    );
    assert!(summary.contains("successful and") && summary.contains("failed sessions"));

    let chart = by_testid(&root, "reports-chart").unwrap();
    assert_eq!(chart.namespace_uri().as_deref(), Some("http://www.w3.org/2000/svg"));
    let bars = chart.query_selector_all("g.bar").unwrap();
    assert_eq!(bars.length(), 30, "one bar per day");
    let title = bars.item(0).unwrap().dyn_into::<Element>().unwrap();
    let title = title.query_selector("title").unwrap().unwrap().text_content().unwrap();
    assert!(
        title.starts_with("2026-01-01: ") && title.ends_with(" failed sessions"),
        "{title}"
    );
    assert!(chart.query_selector_all("text").unwrap().length() >= 4, "axis labels");

    let advice = by_testid(&root, "reports-advice").unwrap().text_content().unwrap();
    assert!(advice.contains("mx: mx3.example.com"), "{advice}");
    assert!(advice.contains("Enforce looks safe"), "{advice}");
    let failures = by_testid(&root, "reports-failures").unwrap();
    let links = failures.query_selector_all("a[href^=\"#/rules/\"]").unwrap();
    assert!(links.length() > 0, "rule links");
    assert!(by_testid(&root, "reports-errors").is_none());
    root.remove();
}

#[wasm_bindgen_test]
fn headings_sort_the_policies() {
    let shown = shown(30);
    let mut sorts = Sorts::default();
    let root = mount(&render(&shown, sorts));
    // By failed sessions, most first: example.net has the certificate failures.
    assert_eq!(first_cells(&root, "reports-policies"), ["example.net", "example.com"]);
    let th = root
        .query_selector("[data-testid=\"reports-policies\"] th[aria-sort=\"descending\"]")
        .unwrap()
        .unwrap();
    assert!(th.text_content().unwrap().starts_with("Failed"));
    let key = root
        .query_selector("[data-testid=\"reports-policies\"] th:first-child button")
        .unwrap()
        .unwrap()
        .get_attribute("data-sort")
        .unwrap();
    root.remove();

    sorts.click(&key);
    let root = mount(&render(&shown, sorts));
    assert_eq!(first_cells(&root, "reports-policies"), ["example.com", "example.net"]);
    let th = root
        .query_selector("[data-testid=\"reports-policies\"] th:first-child")
        .unwrap()
        .unwrap();
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("ascending"));
    root.remove();
}

#[wasm_bindgen_test]
fn bad_files_are_named_and_the_rest_still_count() {
    let mut reader = Reader::new();
    for (name, bytes) in sample_reports(3) {
        reader.add_file(&name, &bytes);
    }
    reader.add_file("notes.txt", b"hello");
    reader.add_file("broken.json", b"{\"organization-name\": ");
    let out = reader.finish();
    let root = mount(&render(
        &Shown {
            summary: out.summary,
            files: Some(out.files),
            files_failed: out.files_failed,
            errors: out.errors,
            warnings: out.warnings,
        },
        Sorts::default(),
    ));
    let errors = by_testid(&root, "reports-errors").unwrap();
    let items = errors.query_selector_all("li").unwrap();
    assert_eq!(items.length(), 2);
    let text = errors.text_content().unwrap();
    assert!(text.contains("notes.txt: ") && text.contains("broken.json: "), "{text}");
    let summary = by_testid(&root, "reports-summary").unwrap().text_content().unwrap();
    assert!(summary.starts_with("3 reports from 5 files"), "{summary}");
    root.remove();
}

#[wasm_bindgen_test]
fn permalink_carries_the_summary_only() {
    let shown = shown(90);
    let payload = link::encode(&shown.summary).unwrap();
    assert!(payload.len() < 4_000, "{} chars", payload.len());
    let back = link::decode(&payload).unwrap();
    assert_eq!(back, shown.summary);
    assert!(link::decode(&payload[..payload.len() - 3]).is_err());
    // Opened from a link: the same summary, marked as a shared snapshot, no file count.
    let root = mount(&render(
        &Shown {
            summary: back,
            ..Shown::default()
        },
        Sorts::default(),
    ));
    assert!(by_testid(&root, "reports-shared").is_some());
    let summary = by_testid(&root, "reports-summary").unwrap().text_content().unwrap();
    assert!(summary.starts_with("90 reports, 2026-01-01"), "{summary}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_view_has_its_drop_zone_and_file_input() {
    let window = web_sys::window().unwrap();
    let _ = window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#/reports"));
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<mtasts_web::App>::with_root(root.clone()).render();
    let mut view = None;
    for _ in 0..100 {
        view = by_testid(&root, "view-reports");
        if view.is_some() {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(view.is_some());
    let drop: HtmlElement = by_testid(&root, "reports-drop").unwrap().unchecked_into();
    assert_eq!(drop.tag_name(), "BUTTON", "keyboard reachable");
    assert!(drop.text_content().unwrap().contains("Choose report files"));
    let input = by_testid(&root, "reports-file").unwrap();
    assert_eq!(input.get_attribute("type").as_deref(), Some("file"));
    assert!(input.has_attribute("multiple"));
    assert!(by_testid(&root, "nav-reports").is_some());
    app.destroy();
    root.remove();
}

/// The speed check: 1,000 small reports through the reader (load, aggregate, render,
/// permalink), as the worker runs them, timed in this browser.
#[wasm_bindgen_test]
fn one_thousand_reports_in_about_a_second() {
    let files = sample_reports(1_000);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let started = js_sys::Date::now();
    let mut reader = Reader::new();
    for (name, body) in &files {
        reader.add_file(name, body);
    }
    let out = reader.finish();
    let read_ms = js_sys::Date::now() - started;
    let shown = Shown {
        summary: out.summary,
        files: Some(out.files),
        ..Shown::default()
    };
    let html = render(&shown, Sorts::default());
    let payload = link::encode(&shown.summary).unwrap_or_default();
    let total_ms = js_sys::Date::now() - started;
    web_sys::console::log_1(
        &format!(
            "1,000 reports ({} KiB): read and added up in {read_ms:.0} ms; with rendering and the link {total_ms:.0} ms ({} bytes of HTML, {}-char link)",
            bytes / 1024,
            html.len(),
            payload.len()
        )
        .into(),
    );
    assert_eq!(shown.summary.reports, 1_000);
    // Generous: debug builds are several times slower than the page's release build.
    assert!(total_ms < 20_000.0, "{total_ms} ms");
}
