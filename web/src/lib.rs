//! The mtasts web page: lint, generate and explain MTA-STS and TLS-RPT, entirely in the
//! browser on `mtasts-core`. Pasted text never leaves the page; permalinks keep the state
//! in the URL fragment.

pub mod browser;
pub mod check_worker;
pub mod components;
pub mod editor_text;
pub mod markdown;
pub mod permalink;
pub mod report_worker;
pub mod route;
pub mod rule_docs;
pub mod state;

pub use components::app::App;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
