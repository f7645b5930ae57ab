//! DNS over HTTPS (RFC 8484): questions go out as GET requests with the wire-format
//! message in `?dns=` (base64url, no padding), answers come back as
//! `application/dns-message`. The HTTP client is the caller's ([`HttpGet`]): the
//! browser's `fetch` in the page, reqwest natively.

pub mod wire;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mtasts_core::check::{DnsAnswer, Question};
use std::future::Future;
use std::pin::Pin;

/// The media type of DNS messages over HTTPS (RFC 8484 §6).
pub const DNS_MESSAGE: &str = "application/dns-message";

pub use mtasts_core::check::{RESOLVERS, check_resolver};

/// A boxed future that is `Send` natively (tokio) and need not be in the browser
/// (JavaScript promises are not).
#[cfg(not(target_arch = "wasm32"))]
pub type MaybeSendFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future that is `Send` natively (tokio) and need not be in the browser
/// (JavaScript promises are not).
#[cfg(target_arch = "wasm32")]
pub type MaybeSendFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// An HTTP response, as much of it as the check reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// `Send + Sync` natively, nothing in the browser.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` natively, nothing in the browser.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}

/// The caller's HTTP client and clock.
pub trait HttpGet: MaybeSendSync {
    /// GET `url` with `Accept: accept`; `Err` names what failed (network, timeout, ...).
    fn get<'a>(&'a self, url: &'a str, accept: &'static str) -> MaybeSendFuture<'a, Result<HttpReply, String>>;
    /// Milliseconds from any fixed point (for timings).
    fn now_ms(&self) -> f64;
}

/// The GET URL for `message` at `resolver` (which may carry its own query string).
pub fn doh_url(resolver: &str, message: &[u8]) -> String {
    let sep = if resolver.contains('?') { '&' } else { '?' };
    format!("{resolver}{sep}dns={}", URL_SAFE_NO_PAD.encode(message))
}

/// Ask `q` at `resolver`. Never fails: a failure is recorded in the answer's `error`.
pub async fn resolve(http: &dyn HttpGet, resolver: &str, q: &Question) -> DnsAnswer {
    let started = http.now_ms();
    let mut answer = match wire::query(q) {
        Err(e) => failed(q, e),
        Ok(message) => {
            let url = doh_url(resolver, &message);
            match http.get(&url, DNS_MESSAGE).await {
                Err(e) => failed(q, format!("{resolver}: {e}")),
                Ok(reply) if reply.status != 200 => failed(q, format!("{resolver} answered HTTP {}", reply.status)),
                Ok(reply) => {
                    let media = reply.content_type.as_deref().unwrap_or_default();
                    let media = media.split(';').next().unwrap_or_default().trim();
                    if !media.eq_ignore_ascii_case(DNS_MESSAGE) {
                        failed(
                            q,
                            format!("{resolver} answered `{media}`, not `{DNS_MESSAGE}`: is it a DoH endpoint?"),
                        )
                    } else {
                        wire::answer(q, &reply.body)
                    }
                }
            }
        }
    };
    answer.elapsed_ms = Some((http.now_ms() - started).max(0.0).round() as u64);
    answer
}

fn failed(q: &Question, error: String) -> DnsAnswer {
    DnsAnswer {
        name: q.name.clone(),
        rtype: Some(q.rtype),
        error: Some(error),
        ..DnsAnswer::default()
    }
}
