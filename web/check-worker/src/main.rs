//! The live check's Web Worker. The page starts it (through the loader Trunk writes,
//! `mtasts-check-worker_loader.js`) when the Check view or a check link opens. Every
//! message is a `Uint8Array` of postcard bytes (`model::Request` in, `model::Answer` out),
//! except the first one out: the string `"ready"`, once it takes messages.

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::Uint8Array;
    use mtasts_check_worker::engine;
    use mtasts_check_worker::model::{Answer, Request};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Ok(bytes) = event.data().dyn_into::<Uint8Array>() else {
            return;
        };
        // Only the page talks to its worker: bytes that are no request are dropped.
        let Ok(request) = Request::from_bytes(&bytes.to_vec()) else {
            return;
        };
        let reply = reply.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let post = move |answer: Answer| {
                let _ = reply.post_message(&Uint8Array::from(answer.to_bytes().as_slice()));
            };
            engine::handle(request, &post).await;
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mtasts-check-worker runs in the web page's Web Worker: build the page with `trunk build --release`.");
}
