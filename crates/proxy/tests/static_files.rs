//! The static server: content types, security headers, compression, 404s.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The policy in the fixture's index.html, whitespace collapsed.
const FIXTURE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; base-uri 'none'";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn get_from(dir: &str, path: &str, accept_encoding: Option<&str>) -> Response<Body> {
    let mut req = Request::get(path);
    if let Some(enc) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, enc);
    }
    mtasts_proxy::router(fixture(dir))
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

async fn get(path: &str, accept_encoding: Option<&str>) -> Response<Body> {
    get_from("dist", path, accept_encoding).await
}

async fn body(resp: Response<Body>) -> Vec<u8> {
    resp.into_body().collect().await.unwrap().to_bytes().to_vec()
}

fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers().get(name).map(|v| v.to_str().unwrap())
}

fn assert_security_headers(resp: &Response<Body>) {
    assert_eq!(header(resp, "content-security-policy"), Some(FIXTURE_CSP));
    assert_eq!(header(resp, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(resp, "referrer-policy"), Some("no-referrer"));
    assert_eq!(header(resp, "cross-origin-opener-policy"), Some("same-origin"));
}

#[tokio::test]
async fn index_html_at_the_root() {
    let resp = get("/", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-type"), Some("text/html"));
    assert_security_headers(&resp);
    let text = String::from_utf8(body(resp).await).unwrap();
    assert!(text.contains("fixture page"), "{text}");
}

#[tokio::test]
async fn content_types_by_extension() {
    for (path, expected) in [
        ("/index.html", "text/html"),
        ("/app_bg.wasm", "application/wasm"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
    ] {
        let resp = get(path, None).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&resp, "content-type"), Some(expected), "{path}");
        assert_security_headers(&resp);
    }
    let wasm = body(get("/app_bg.wasm", None).await).await;
    assert_eq!(wasm, b"\0asm\x01\0\0\0");
}

#[tokio::test]
async fn missing_files_are_404_with_the_headers() {
    for path in ["/nope.js", "/nope/", "/../Cargo.toml", "/%2e%2e/Cargo.toml"] {
        let resp = get(path, None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_security_headers(&resp);
    }
}

#[tokio::test]
async fn gzip_when_the_client_accepts_it() {
    let plain = body(get("/app.js", None).await).await;
    let resp = get("/app.js", Some("gzip")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-encoding"), Some("gzip"));
    assert_eq!(header(&resp, "content-type"), Some("text/javascript"));
    assert_security_headers(&resp);
    let gz = body(resp).await;
    assert_eq!(&gz[..2], b"\x1f\x8b", "a gzip stream");
    assert_ne!(gz, plain);
    // No encoding asked for: none given.
    assert_eq!(header(&get("/app.js", None).await, "content-encoding"), None);
}

#[tokio::test]
async fn default_policy_without_an_index_html() {
    let resp = get_from("no-index", "/style.css", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header(&resp, "content-security-policy"),
        Some(mtasts_proxy::DEFAULT_CONTENT_SECURITY_POLICY)
    );
    assert_eq!(header(&resp, "x-content-type-options"), Some("nosniff"));
    assert_eq!(get_from("no-index", "/", None).await.status(), StatusCode::NOT_FOUND);
}

/// The repository's index.html declares a policy the proxy can read (and so sends).
#[test]
fn the_page_declares_a_policy() {
    let index = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../index.html");
    let html = std::fs::read_to_string(&index).unwrap_or_else(|e| panic!("{}: {e}", index.display()));
    let csp = mtasts_proxy::meta_csp(&html).expect("index.html has a Content-Security-Policy meta tag");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}
