//! The few things the page asks of the browser: the address, the clock, the clipboard.
//! Every call tolerates a missing API (old or headless browsers) and never panics.

use crate::route::Route;
use wasm_bindgen::JsValue;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `location.hash`, or "" without one.
pub fn fragment() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page's address with `fragment` in place of its own.
pub fn url_with(fragment: &str) -> String {
    let href = window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}{fragment}")
}

/// Put `fragment` in the address bar without reloading or firing `hashchange`: a new
/// history entry when it opens another view (so Back returns), else in place.
pub fn write_fragment(fragment: &str) {
    let current = self::fragment();
    if current == fragment {
        return;
    }
    let Some(history) = window().and_then(|w| w.history().ok()) else {
        return;
    };
    let url = url_with(fragment);
    let result = if Route::parse(&current).view == Route::parse(fragment).view {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    };
    // A browser may refuse an address (too long): the page keeps working without it.
    let _ = result;
}

/// Unix seconds now.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Copy `text` to the clipboard; `done(true)` when it worked. Headless browsers and
/// pages without permission have no clipboard: then `done(false)`, nothing else.
pub fn copy_text(text: String, done: impl FnOnce(bool) + 'static) {
    let Some(clipboard) = window().map(|w| w.navigator().clipboard()) else {
        done(false);
        return;
    };
    // `navigator.clipboard` is undefined outside secure contexts.
    if JsValue::from(clipboard.clone()).is_undefined() {
        done(false);
        return;
    }
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        done(ok);
    });
}

/// Select the text of an element, so the user can copy it with the keyboard when the
/// clipboard API is unavailable.
pub fn select_contents(element: &web_sys::Element) {
    let Some(window) = window() else { return };
    let (Some(document), Ok(Some(selection))) = (window.document(), window.get_selection()) else {
        return;
    };
    if let Ok(range) = document.create_range()
        && range.select_node_contents(element).is_ok()
    {
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(&range);
    }
}
