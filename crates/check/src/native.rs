//! The check's native parts: DoH over reqwest, address lookups through the same resolver
//! for the policy fetch, and the fetch itself as a [`PolicySource`].

use crate::dns::{self, HttpGet, HttpReply, MaybeSendFuture};
use crate::fetch::{FetchSettings, fetch_policy};
use crate::lookup::{BoxFuture, Lookup, LookupAnswer};
use crate::run::PolicySource;
use mtasts_core::check::{Purpose, Question, RType};
use mtasts_core::fetch::FetchEvidence;
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The largest DoH response read (a DNS message over TCP is at most 65,535 bytes).
const DOH_BODY_LIMIT: usize = 65_535;

/// reqwest as the check's HTTP client: no redirects, no cookies, no proxy from the
/// environment, a time limit per request.
#[derive(Clone, Debug)]
pub struct ReqwestHttp {
    client: reqwest::Client,
}

impl ReqwestHttp {
    /// A client whose requests give up after `timeout`; `extra_roots_pem` adds trusted
    /// CA certificates (the test bed's) to the built-in roots.
    pub fn new(timeout: Duration, extra_roots_pem: &[u8]) -> Result<ReqwestHttp, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("mtasts/", env!("CARGO_PKG_VERSION")));
        if !extra_roots_pem.is_empty() {
            let certs = reqwest::Certificate::from_pem_bundle(extra_roots_pem)
                .map_err(|e| format!("the extra CA certificates do not parse: {e}"))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(ReqwestHttp { client })
    }
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl HttpGet for ReqwestHttp {
    fn get<'a>(&'a self, url: &'a str, accept: &'static str) -> MaybeSendFuture<'a, Result<HttpReply, String>> {
        Box::pin(async move {
            let mut response = self
                .client
                .get(url)
                .header(reqwest::header::ACCEPT, accept)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
                if body.len() + chunk.len() > DOH_BODY_LIMIT {
                    return Err(format!("the response is larger than {DOH_BODY_LIMIT} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpReply {
                status,
                content_type,
                body,
            })
        })
    }

    fn now_ms(&self) -> f64 {
        epoch().elapsed().as_secs_f64() * 1000.0
    }
}

/// reqwest's error with its causes, on one line.
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A and AAAA lookups through a DoH resolver, for the policy fetch: the fetch then
/// connects to what the check's own resolver says, not to what the system's says.
#[derive(Clone, Debug)]
pub struct DohLookup {
    pub http: ReqwestHttp,
    pub resolver: String,
}

impl Lookup for DohLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        Box::pin(async move {
            let ask = |rtype| Question {
                name: host.trim_end_matches('.').to_ascii_lowercase(),
                rtype,
                purpose: Purpose::PolicyHost,
            };
            let (qa, qaaaa) = (ask(RType::A), ask(RType::AAAA));
            let (a, aaaa) = futures_util::future::join(
                dns::resolve(&self.http, &self.resolver, &qa),
                dns::resolve(&self.http, &self.resolver, &qaaaa),
            )
            .await;
            let mut addrs: Vec<IpAddr> = Vec::new();
            for (answer, rtype) in [(&a, RType::A), (&aaaa, RType::AAAA)] {
                addrs.extend(
                    answer
                        .records
                        .iter()
                        .filter(|r| dns::wire::is_type(r, rtype))
                        .filter_map(|r| r.data.parse::<IpAddr>().ok()),
                );
            }
            let error = if addrs.is_empty() {
                Some(match (a.failure(), aaaa.failure(), a.rcode.as_deref()) {
                    (Some(e), _, _) | (None, Some(e), _) => e,
                    (None, None, Some("NXDOMAIN")) => "NXDOMAIN".to_string(),
                    _ => "NODATA".to_string(),
                })
            } else {
                None
            };
            LookupAnswer { addrs, error }
        })
    }
}

/// The native policy fetch as the check's [`PolicySource`].
pub struct DirectFetch<L: Lookup> {
    pub lookup: L,
    pub settings: FetchSettings,
}

impl<L: Lookup> PolicySource for DirectFetch<L> {
    fn fetch<'a>(&'a self, domain: &'a str) -> MaybeSendFuture<'a, Result<FetchEvidence, String>> {
        Box::pin(async move {
            let mut evidence = fetch_policy(domain, &self.lookup, &self.settings)
                .await
                .map_err(|e| e.to_string())?;
            if evidence.fetched_at.is_none() {
                evidence.fetched_at = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .map(|d| d.as_secs());
            }
            Ok(evidence)
        })
    }
}
