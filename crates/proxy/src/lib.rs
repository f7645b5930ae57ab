//! The server behind the mtasts web page.
//!
//! It serves the static bundle Trunk writes to `dist/` and the policy-fetch API the page
//! calls (`GET /api/v1/policy?domain=D`, see [`api`]) from one [`app`], so every
//! response, static or API, gets the same security headers and compression.
//!
//! The binary (`mtasts-proxy`, `src/main.rs`) only parses arguments and binds a socket;
//! tests and the end-to-end test bed build a [`Config`] and call [`app`] and
//! [`serve_app`] in-process ([`router`] and [`serve`] are the defaults for a directory).

pub mod api;

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::routing::any;
use mtasts_check::fetch::{FetchSettings, SystemLookup};
use mtasts_check::lookup::Lookup;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything the server needs; [`Config::new`] gives the production defaults.
#[derive(Clone)]
pub struct Config {
    /// The static bundle, with `index.html` at its top.
    pub dir: PathBuf,
    /// How the policy is fetched: the test bed sets `https_port`, `extra_roots_pem` (its
    /// CA) and `allow_loopback`.
    pub fetch: FetchSettings,
    /// Address lookup of `mta-sts.<domain>`.
    pub lookup: Arc<dyn Lookup>,
    /// Origins (`https://page.example`) whose pages may call the API across origins.
    /// The page's own origin needs no entry.
    pub allow_origins: Vec<String>,
    /// Policy fetches running at once; more are refused with 503.
    pub max_concurrent: usize,
    /// API requests per minute per client address (IPv6: per /64); 0 means no limit.
    pub rate_per_minute: u32,
    /// Log one line per API request to stderr.
    pub log_requests: bool,
}

impl Config {
    /// Serve `dir`; fetch like a sender (port 443, public addresses, webpki-roots) with
    /// the system resolver; 32 fetches at once, 30 requests a minute per client.
    pub fn new(dir: impl Into<PathBuf>) -> Config {
        Config {
            dir: dir.into(),
            fetch: FetchSettings::default(),
            lookup: Arc::new(SystemLookup),
            allow_origins: Vec::new(),
            max_concurrent: 32,
            rate_per_minute: 30,
            log_requests: true,
        }
    }
}

/// `origin` as an exact CORS origin: `scheme://host[:port]`, no path, no trailing slash.
pub fn parse_origin(origin: &str) -> Result<HeaderValue, String> {
    let bad = |why: &str| format!("`{origin}` is not an origin ({why}); write it as https://host[:port]");
    let (scheme, authority) = origin.split_once("://").ok_or_else(|| bad("no scheme"))?;
    if !matches!(scheme, "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) || authority == "*" {
        return Err(bad("only a host and an optional port may follow the scheme"));
    }
    HeaderValue::from_str(origin).map_err(|_| bad("it holds characters a header cannot"))
}

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

/// The whole application for the defaults of [`Config::new`]`(dir)`; see [`app`].
pub fn router(dir: impl AsRef<Path>) -> Router {
    app(Config::new(dir.as_ref()))
}

/// The whole application: the API under `/api/` and the static bundle in `config.dir`
/// (`index.html` at `/`), with compression and the security headers (the
/// Content-Security-Policy is the bundle's, see [`content_security_policy`]) on every
/// response.
///
/// Files are served with the Content-Type their extension implies (`application/wasm`
/// for `.wasm`); a `FILE.gz` or `FILE.br` next to a file is sent instead of it when the
/// client accepts that encoding, and anything else compressible is gzipped on the fly.
/// A path with no file behind it is a 404; an `/api/` path other than the one endpoint
/// is a 404 with a JSON body.
///
/// Origins in `config.allow_origins` that do not parse (see [`parse_origin`]) are
/// skipped; `main` refuses them at start.
pub fn app(config: Config) -> Router {
    let csp = content_security_policy(&config.dir);
    let files = ServeDir::new(&config.dir).precompressed_br().precompressed_gzip();
    let origins: Vec<HeaderValue> = config
        .allow_origins
        .iter()
        .filter_map(|o| parse_origin(o).ok())
        .collect();
    let state = Arc::new(api::Api::new(
        config.fetch,
        config.lookup,
        origins.clone(),
        config.max_concurrent,
        config.rate_per_minute,
        config.log_requests,
    ));
    let mut api_routes = Router::new()
        .route(api::POLICY_PATH, any(api::policy))
        .route("/api", any(api::not_found))
        .route("/api/", any(api::not_found))
        .route("/api/{*rest}", any(api::not_found))
        .with_state(state);
    if !origins.is_empty() {
        // Answers preflights itself; never allows credentials.
        let cors = CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET])
            .max_age(Duration::from_secs(600));
        api_routes = api_routes.layer(cors);
    }
    let mut app = api_routes.fallback_service(files).layer(CompressionLayer::new());
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
    serve_app(listener, Config::new(dir.as_ref()), shutdown).await
}

/// Serve [`app`]`(config)` on an already bound listener until `shutdown` completes. The
/// peer address of each connection is the rate limit's client.
pub async fn serve_app(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let service = app(config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
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
