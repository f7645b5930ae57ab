//! The server behind the mtasts web page.
//!
//! Today it serves the static bundle Trunk writes to `dist/` (see [`router`]); the
//! policy-fetch API the page will call is added as routes of the same [`router`], so
//! every response, static or API, gets the same security headers and compression.
//!
//! The binary (`mtasts-proxy`, `src/main.rs`) only parses arguments and binds a socket;
//! tests and the end-to-end test bed call [`router`] and [`serve`] in-process.

use std::io;
use std::path::Path;

use axum::Router;
use axum::http::header::{self, HeaderName, HeaderValue};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The page's Content-Security-Policy, sent as a header on every response.
///
/// It must equal the `<meta http-equiv="Content-Security-Policy">` of the repository's
/// `index.html` (a test checks this): the meta tag protects the page wherever it is
/// hosted, the header protects it here, and both must allow the same things. Everything
/// comes from this origin; `'wasm-unsafe-eval'` lets the page compile its WebAssembly.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/// The headers set (overriding any the handler set) on every response.
pub fn security_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// The whole application: the static bundle in `dir` (`index.html` at `/`), with
/// compression and the security headers on every response.
///
/// Files are served with the Content-Type their extension implies (`application/wasm`
/// for `.wasm`); a `FILE.gz` or `FILE.br` next to a file is sent instead of it when the
/// client accepts that encoding, and anything else compressible is gzipped on the fly.
/// A path with no file behind it is a 404.
pub fn router(dir: impl AsRef<Path>) -> Router {
    let files = ServeDir::new(dir.as_ref()).precompressed_br().precompressed_gzip();
    // Later: `.route("/api/...", ...)` here, before the fallback and the layers.
    let mut app = Router::new().fallback_service(files).layer(CompressionLayer::new());
    for (name, value) in security_headers() {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    app
}

/// Serve [`router`]`(dir)` on an already bound listener until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    dir: impl AsRef<Path>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router(dir))
        .with_graceful_shutdown(shutdown)
        .await
}
