//! Address lookup for the policy fetch: the fetch resolves `mta-sts.<domain>` through
//! this trait, so the proxy and the CLI can use DNS over HTTPS (the same resolver as the
//! rest of the check) or the system resolver.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The A and AAAA answers for one host name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupAnswer {
    /// Every address found (IPv4 first, then IPv6), in answer order.
    pub addrs: Vec<IpAddr>,
    /// Why there are no addresses: `NXDOMAIN`, `NODATA` (the name exists without A or
    /// AAAA), `SERVFAIL`, or the resolver's error. `None` when `addrs` is not empty.
    pub error: Option<String>,
}

/// Resolves a host name to its addresses (A and AAAA).
pub trait Lookup: Send + Sync {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, LookupAnswer>;
}
