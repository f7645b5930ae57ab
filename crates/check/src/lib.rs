//! The live check of a domain: DNS over HTTPS, the policy fetch, and a verdict.
//!
//! The engine (`mtasts-core`) judges; this crate only gathers the facts, concurrently, and
//! streams what it learns. It builds for wasm32 (the page, through the browser's `fetch`)
//! and natively (the CLI and the proxy, through reqwest).

#[cfg(feature = "native")]
pub mod fetch;
#[cfg(feature = "native")]
pub mod lookup;
