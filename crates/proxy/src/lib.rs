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

/// The Content-Security-Policy sent when the served `index.html` declares none: nothing
/// but this origin, and WebAssembly may be compiled.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; \
     form-action 'none'";

/// The Content-Security-Policy for a bundle: the one its `index.html` declares in
/// `<meta http-equiv="Content-Security-Policy">` (so the header and the page can never
/// disagree: the repository's `index.html` is the one place to change it), else
/// [`DEFAULT_CONTENT_SECURITY_POLICY`].
pub fn content_security_policy(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("index.html"))
        .ok()
        .and_then(|html| meta_csp(&html))
        .unwrap_or_else(|| DEFAULT_CONTENT_SECURITY_POLICY.to_string())
}

/// The `content` of the first `<meta http-equiv="Content-Security-Policy">` in `html`,
/// with runs of whitespace collapsed to one space (a header is one line).
pub fn meta_csp(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<meta") {
        let start = from + at + "<meta".len();
        let end = start + html[start..].find('>')?;
        from = end;
        let attrs = attributes(&html[start..end]);
        let is_csp = attrs
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("http-equiv") && v.eq_ignore_ascii_case("content-security-policy"));
        if let Some((_, content)) = attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case("content"))
            && is_csp
        {
            let policy = unescape(content).split_whitespace().collect::<Vec<_>>().join(" ");
            return (!policy.is_empty()).then_some(policy);
        }
    }
    None
}

/// `name="value"`, `name='value'`, `name=value` and bare `name` attributes of a tag.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                    Some(close) => (&after[1..1 + close], &after[close + 2..]),
                    None => (&after[1..], ""),
                },
                _ => {
                    let len = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..len], &after[len..])
                }
            };
            value = v;
            rest = tail.trim_start();
        } else if name.is_empty() {
            // A stray `/` (self-closing tag) or similar: skip it.
            rest = rest.get(1..).unwrap_or_default().trim_start();
            continue;
        }
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The headers set (overriding any the handler set) on every response.
pub fn security_headers(csp: &str) -> [(HeaderName, HeaderValue); 4] {
    let csp = HeaderValue::from_str(csp).unwrap_or_else(|_| HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY));
    [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// The whole application: the static bundle in `dir` (`index.html` at `/`), with
/// compression and the security headers (the Content-Security-Policy is `dir`'s, see
/// [`content_security_policy`]) on every response.
///
/// Files are served with the Content-Type their extension implies (`application/wasm`
/// for `.wasm`); a `FILE.gz` or `FILE.br` next to a file is sent instead of it when the
/// client accepts that encoding, and anything else compressible is gzipped on the fly.
/// A path with no file behind it is a 404.
pub fn router(dir: impl AsRef<Path>) -> Router {
    let dir = dir.as_ref();
    let csp = content_security_policy(dir);
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    // Later: `.route("/api/...", ...)` here, before the fallback and the layers.
    let mut app = Router::new().fallback_service(files).layer(CompressionLayer::new());
    for (name, value) in security_headers(&csp) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_policy_in_a_meta_tag() {
        let html = r#"<!doctype html><html><head>
            <meta charset="utf-8" />
            <meta
              http-equiv="Content-Security-Policy"
              content="default-src 'self';
                       script-src 'self'"
            />
            </head></html>"#;
        assert_eq!(meta_csp(html).as_deref(), Some("default-src 'self'; script-src 'self'"));
    }

    #[test]
    fn attribute_spellings() {
        let single = "<META CONTENT='default-src &#39;none&#39;' HTTP-EQUIV=content-security-policy>";
        assert_eq!(meta_csp(single).as_deref(), Some("default-src 'none'"));
        let other_first = r#"<meta name="referrer" content="no-referrer"><meta http-equiv="Content-Security-Policy" content="img-src 'self'">"#;
        assert_eq!(meta_csp(other_first).as_deref(), Some("img-src 'self'"));
    }

    #[test]
    fn no_policy_without_the_tag() {
        for html in [
            "",
            "<meta charset=utf-8>",
            r#"<meta http-equiv="refresh" content="0">"#,
            r#"<meta http-equiv="Content-Security-Policy">"#,
            r#"<meta http-equiv="Content-Security-Policy" content="   ">"#,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"x",
        ] {
            assert_eq!(meta_csp(html), None, "{html}");
        }
    }
}
