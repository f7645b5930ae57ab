//! The policy-fetch API: `GET /api/v1/policy?domain=D` fetches
//! `https://mta-sts.D/.well-known/mta-sts.txt` with [`mtasts_check::fetch`] and answers
//! the [`FetchEvidence`](mtasts_core::fetch::FetchEvidence) JSON, which the page judges
//! with the engine.
//!
//! The endpoint fetches on behalf of whoever asks, so it is built not to be a request
//! forgery tool or an amplifier: only that one path shape, only a public domain, only
//! public addresses (the fetch vets them and never re-resolves), a per-client rate limit,
//! a global concurrency limit that refuses rather than queues, no cookies, and CORS only
//! for the origins given. Every refusal is a 4xx/5xx with a JSON body
//! `{"error": "<what was wrong>", ...}`.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use mtasts_check::fetch::{FetchRefused, FetchSettings, fetch_policy, validate_domain};
use mtasts_check::lookup::Lookup;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

/// The one API path.
pub const POLICY_PATH: &str = "/api/v1/policy";

/// How long a client is asked to wait when every fetch slot is busy.
const BUSY_RETRY_SECS: u64 = 5;

/// Shared state of the API handlers.
pub(crate) struct Api {
    pub fetch: FetchSettings,
    pub lookup: Arc<dyn Lookup>,
    /// Origins allowed besides the page's own (exact `scheme://host[:port]`).
    pub allow_origins: Vec<HeaderValue>,
    pub slots: Arc<Semaphore>,
    pub max_concurrent: usize,
    pub limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Requests seen, to prune the rate limiter's table now and then.
    pub requests: AtomicU64,
    pub log: bool,
}

impl Api {
    pub fn new(
        fetch: FetchSettings,
        lookup: Arc<dyn Lookup>,
        allow_origins: Vec<HeaderValue>,
        max_concurrent: usize,
        rate_per_minute: u32,
        log: bool,
    ) -> Api {
        Api {
            fetch,
            lookup,
            allow_origins,
            slots: Arc::new(Semaphore::new(max_concurrent)),
            max_concurrent,
            limiter: NonZeroU32::new(rate_per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
            requests: AtomicU64::new(0),
            log,
        }
    }
}

/// A JSON answer with the API's headers: `no-store`, and nothing a browser keeps.
fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    json_response(status, &json!({ "error": message.into() }))
}

fn with_retry_after(mut response: Response, secs: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

/// The client's address, as the rate limit's key: IPv6 clients by their /64, since one
/// host usually holds a whole /64. Without connection info (in-process calls), one key.
fn client_key(request: &Request) -> (IpAddr, String) {
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return (IpAddr::V6(Ipv6Addr::UNSPECIFIED), "-".to_string());
    };
    let ip = match peer.ip().to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    };
    (ip, peer.ip().to_canonical().to_string())
}

/// Whether the request's `Origin` (if any) may use the API: the page's own origin (the
/// `Host` the request was sent to) or one of `allowed`.
fn origin_allowed(request: &Request, allowed: &[HeaderValue]) -> Result<(), String> {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        return Ok(());
    };
    if allowed.contains(origin) {
        return Ok(());
    }
    let text = String::from_utf8_lossy(origin.as_bytes());
    let authority = text.split_once("://").map(|(_, rest)| rest);
    let host = request.headers().get(header::HOST).map(HeaderValue::as_bytes);
    if let (Some(authority), Some(host)) = (authority, host)
        && authority.as_bytes().eq_ignore_ascii_case(host)
    {
        return Ok(());
    }
    Err(format!(
        "requests from the origin `{}` are not allowed: only this page's own origin{} may use this API",
        text.chars().take(200).flat_map(char::escape_debug).collect::<String>(),
        if allowed.is_empty() {
            ""
        } else {
            " and the configured --allow-origin list"
        }
    ))
}

/// What the query asked for: exactly one `domain`.
fn domain_param(query: Option<&str>) -> Result<String, String> {
    let mut domain = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key != "domain" {
            let key: String = key.chars().take(100).flat_map(char::escape_debug).collect();
            return Err(format!("unexpected query parameter `{key}`: only `domain` is accepted"));
        }
        if domain.is_some() {
            return Err("the query parameter `domain` is given more than once".to_string());
        }
        domain = Some(value.into_owned());
    }
    domain.ok_or_else(|| "missing query parameter `domain`, e.g. /api/v1/policy?domain=example.com".to_string())
}

/// `GET /api/v1/policy?domain=D`.
pub(crate) async fn policy(State(api): State<Arc<Api>>, request: Request) -> Response {
    let started = Instant::now();
    let (key, client) = client_key(&request);
    let domain = request
        .uri()
        .query()
        .and_then(|q| domain_param(Some(q)).ok())
        .unwrap_or_default();
    let method = request.method().clone();
    let response = answer(&api, key, request).await;
    if api.log {
        log_line(&client, &method, &domain, response.status(), started.elapsed());
    }
    response
}

async fn answer(api: &Api, key: IpAddr, request: Request) -> Response {
    if request.method() != Method::GET {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method {} is not allowed here: use GET", request.method()),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    if let Err(message) = origin_allowed(&request, &api.allow_origins) {
        return error_response(StatusCode::FORBIDDEN, message);
    }
    if let Some(limiter) = &api.limiter {
        if api.requests.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            limiter.retain_recent();
        }
        if let Err(not_until) = limiter.check_key(&key) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({
                    "error": format!("too many requests from this client: try again in {} s", secs.max(1)),
                    "retry_after": secs.max(1),
                }),
            );
            return with_retry_after(response, secs);
        }
    }
    let domain = match domain_param(request.uri().query()) {
        Ok(d) => d,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, message),
    };
    if let Err(e) = validate_domain(&domain) {
        return error_response(StatusCode::BAD_REQUEST, e.to_string());
    }
    // Refuse rather than queue: a queue would hold connections open without bound.
    let Ok(_slot) = api.slots.clone().try_acquire_owned() else {
        let response = json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "error": format!(
                    "the server is busy ({} policy fetches running): try again in {BUSY_RETRY_SECS} s",
                    api.max_concurrent
                ),
                "retry_after": BUSY_RETRY_SECS,
            }),
        );
        return with_retry_after(response, BUSY_RETRY_SECS);
    };
    let refused = match fetch_policy(&domain, api.lookup.as_ref(), &api.fetch).await {
        Ok(evidence) => {
            return match serde_json::to_value(&evidence) {
                Ok(value) => json_response(StatusCode::OK, &value),
                Err(e) => error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the fetch evidence could not be written as JSON: {e}"),
                ),
            };
        }
        Err(refused) => refused,
    };
    let message = refused.to_string();
    match refused {
        FetchRefused::Domain(_) => error_response(StatusCode::BAD_REQUEST, message),
        FetchRefused::Address { host, rejections } => {
            let addresses: Vec<Value> = rejections
                .iter()
                .map(|r| json!({ "address": r.address().to_string(), "reason": r.to_string() }))
                .collect();
            json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({ "error": message, "host": host, "addresses": addresses }),
            )
        }
        FetchRefused::Settings(_) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the server's fetch settings are unusable: {message}"),
        ),
    }
}

/// Anything else under `/api/`.
pub(crate) async fn not_found(request: Request) -> Response {
    let path: String = request
        .uri()
        .path()
        .chars()
        .take(200)
        .flat_map(char::escape_debug)
        .collect();
    error_response(
        StatusCode::NOT_FOUND,
        format!("no API at `{path}`: the one endpoint is GET {POLICY_PATH}?domain=<domain>"),
    )
}

/// One line per API request on stderr: time, client, domain, status, duration. Never
/// the body; the domain is escaped and cut so a request cannot forge log lines.
fn log_line(client: &str, method: &Method, domain: &str, status: StatusCode, took: Duration) {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "-".to_string());
    let domain: String = if domain.is_empty() {
        "-".to_string()
    } else {
        domain.chars().take(100).flat_map(char::escape_debug).collect()
    };
    eprintln!(
        "{now} {client} {method} {POLICY_PATH} domain={domain} {} {} ms",
        status.as_u16(),
        took.as_millis()
    );
}
