//! JSON for the Check view: the proxy's `FetchEvidence` and the evidence snapshot in
//! permalinks. In the browser the browser's own `JSON.parse` / `JSON.stringify` do the
//! text (through serde-wasm-bindgen), which keeps a JSON parser out of the page's module;
//! natively (unit tests) serde_json does.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// `text` as a `T`; `Err` says why not.
#[cfg(target_arch = "wasm32")]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map_or_else(|| "not JSON".to_string(), |e| String::from(e.message()))
    })?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// `value` as JSON text; `Err` says why it cannot be.
#[cfg(target_arch = "wasm32")]
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    let value = serde_wasm_bindgen::to_value(value).map_err(|e| e.to_string())?;
    js_sys::JSON::stringify(&value)
        .map(String::from)
        .map_err(|_| "JSON.stringify failed".to_string())
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// `text` as a `T`; `Err` says why not.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// `value` as JSON text; `Err` says why it cannot be.
#[cfg(not(target_arch = "wasm32"))]
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn evidence_round_trips_and_junk_is_refused() {
        let mut evidence = mtasts_core::check::CheckEvidence::new("example.com");
        evidence.checked_at = Some(1_767_225_600);
        evidence.fetch_unavailable = Some("no proxy \"here\"".into());
        let text = to_string(&evidence).unwrap();
        assert_eq!(from_str::<mtasts_core::check::CheckEvidence>(&text).unwrap(), evidence);
        // Fields left out take their defaults; unknown ones are ignored.
        let sparse: mtasts_core::check::CheckEvidence = from_str(r#"{"domain":"a.example","new":1}"#).unwrap();
        assert_eq!(sparse, mtasts_core::check::CheckEvidence::new("a.example"));
        assert!(from_str::<mtasts_core::check::CheckEvidence>("{not json").is_err());
    }
}
