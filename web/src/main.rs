//! The page's entry point, bundled by Trunk from the top-level `index.html`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        yew::set_custom_panic_hook(Box::new(show_panic));
        yew::Renderer::<mtasts_web::App>::new().render();
    }
    // Natively the crate only builds (for `cargo clippy --workspace` and unit tests).
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("mtasts-web is a web page: build it with `trunk build --release`.");
}

/// A bug should never leave a blank page: say what happened and how to go on.
#[cfg(target_arch = "wasm32")]
fn show_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = format!("{info}");
    web_sys::console::error_1(&message.clone().into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(note)) = (document.body(), document.create_element("div")) else {
        return;
    };
    note.set_class_name("banner banner-error crash");
    let _ = note.set_attribute("role", "alert");
    note.set_text_content(Some(&format!(
        "Sorry, the page hit a bug and stopped ({message}). Reload it to go on; the address keeps what you entered."
    )));
    let _ = body.prepend_with_node_1(&note);
}
