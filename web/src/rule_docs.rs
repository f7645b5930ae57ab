//! The rule docs, fetched on demand. The page is built without them (`mtasts-core`
//! without its `docs` feature) to keep the first load small; the build writes them to
//! `rules.json` beside the page (`mtasts rules --json --docs`, a Trunk hook), and the Rules
//! view fetches that file once per session. Titles, codes and severities stay in the page.

use crate::state::Action;
use js_sys::{Array, Reflect};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};
use yew::Callback;

/// Where the docs are, relative to the page (same origin: the CSP's `connect-src 'self'`).
pub const RULE_DOCS_URL: &str = "rules.json";

/// Every rule's doc (Markdown), by the rule's code in the registry.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RuleDocs {
    by_code: BTreeMap<&'static str, String>,
}

impl RuleDocs {
    /// The docs from `(code, doc)` pairs (rules.json's entries). Codes the registry does not
    /// know are skipped (the file may be newer than a cached page); an error when no entry
    /// names a registered rule, which means the file is not the page's rules.json.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, String)>) -> Result<RuleDocs, String> {
        let mut by_code = BTreeMap::new();
        for (code, doc) in entries {
            if let Some(rule) = mtasts_core::rules::by_code(&code)
                && !doc.trim().is_empty()
            {
                by_code.insert(rule.code, doc);
            }
        }
        if by_code.is_empty() {
            return Err(format!("{RULE_DOCS_URL} holds no rule docs."));
        }
        Ok(RuleDocs { by_code })
    }

    /// The doc of the rule with this (canonical) code.
    pub fn get(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(String::as_str)
    }
}

/// The docs as the page has them: a fetch is started by the first view that needs them
/// and its outcome kept for the session.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RuleDocsState {
    /// Not asked for yet (or asked again after a failure).
    #[default]
    NotLoaded,
    Loading,
    Loaded(Rc<RuleDocs>),
    /// Why the fetch failed, for the user.
    Failed(String),
}

impl RuleDocsState {
    /// True when a view that shows docs should start [`load`].
    pub fn wants_load(&self) -> bool {
        matches!(self, RuleDocsState::NotLoaded)
    }
}

/// Fetch rules.json: `RuleDocsLoading` now, then `RuleDocsLoaded` or `RuleDocsFailed`.
pub fn load(dispatch: Callback<Action>) {
    dispatch.emit(Action::RuleDocsLoading);
    wasm_bindgen_futures::spawn_local(async move {
        dispatch.emit(match fetch().await {
            Ok(docs) => Action::RuleDocsLoaded(Rc::new(docs)),
            Err(why) => Action::RuleDocsFailed(why),
        });
    });
}

async fn fetch() -> Result<RuleDocs, String> {
    let window = web_sys::window().ok_or("The rule docs need a browser window.")?;
    let init = RequestInit::new();
    // Revalidate: a cached rules.json from an older build would not match this page.
    init.set_cache(RequestCache::NoCache);
    let failed = |_| format!("Could not load the rule docs ({RULE_DOCS_URL}): the request failed. Are you offline?");
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(RULE_DOCS_URL, &init))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "Could not load the rule docs ({RULE_DOCS_URL}): the server answered {} {}.",
            response.status(),
            response.status_text()
        ));
    }
    let not_json = |_| format!("Could not read the rule docs: {RULE_DOCS_URL} is not JSON.");
    let json = JsFuture::from(response.json().map_err(not_json)?)
        .await
        .map_err(not_json)?;
    RuleDocs::from_entries(entries(&json)?)
}

/// `(code, doc)` of each entry of rules.json (an array of objects with string `code` and
/// `doc`; other fields are for other readers).
fn entries(json: &JsValue) -> Result<Vec<(String, String)>, String> {
    if !Array::is_array(json) {
        return Err(format!(
            "Could not read the rule docs: {RULE_DOCS_URL} is not a list of rules."
        ));
    }
    let field = |entry: &JsValue, name: &str| {
        Reflect::get(entry, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    Ok(Array::from(json)
        .iter()
        .filter_map(|entry| Some((field(&entry, "code")?, field(&entry, "doc")?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn docs_are_kept_by_registered_code() {
        let docs = RuleDocs::from_entries([
            ("policy-bom".to_string(), "# POLICY-BOM: x\n".to_string()),
            ("NOT-A-RULE".to_string(), "# NOT-A-RULE: y\n".to_string()),
            ("POLICY-EMPTY".to_string(), "  ".to_string()),
        ])
        .unwrap();
        assert_eq!(docs.get("POLICY-BOM"), Some("# POLICY-BOM: x\n"));
        assert_eq!(docs.get("NOT-A-RULE"), None);
        // An empty doc is as good as none: the rule page says the doc is missing.
        assert_eq!(docs.get("POLICY-EMPTY"), None);
    }

    #[test]
    fn a_file_without_rule_docs_is_an_error() {
        let err = RuleDocs::from_entries([("X".to_string(), "doc".to_string())]).unwrap_err();
        assert!(err.contains("rules.json"), "{err}");
        assert!(RuleDocs::from_entries([]).is_err());
    }

    #[test]
    fn only_a_state_not_loaded_wants_a_load() {
        assert!(RuleDocsState::NotLoaded.wants_load());
        assert!(!RuleDocsState::Loading.wants_load());
        assert!(!RuleDocsState::Failed("x".into()).wants_load());
        assert!(!RuleDocsState::Loaded(Rc::default()).wants_load());
    }
}
