//! The live check of a domain: DNS over HTTPS, the policy fetch, and a verdict.
//!
//! The engine (`mtasts-core`, [`mtasts_core::check`]) judges; this crate only gathers
//! the facts, concurrently, and streams what it learns ([`run`]). It builds for wasm32
//! (the page, through the browser's `fetch`) and natively (the CLI and the proxy; feature
//! `native`: reqwest for DoH, and the policy fetch itself in [`fetch`]).

pub mod dns;
pub mod run;

#[cfg(feature = "native")]
pub mod fetch;
#[cfg(feature = "native")]
pub mod lookup;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
pub mod smtp;

pub use run::{Event, PolicySource, Step, run};
