//! The Check view's live check, run in a Web Worker with its own WebAssembly (`src/main.rs`),
//! so the DNS-over-HTTPS client, the DNS wire format and the judge are downloaded only when
//! someone opens the Check view or a check link.
//!
//! [`model`] is what the page and the worker say to each other (the page builds only that
//! half); [`engine`] runs a request and answers with the view model the page renders.

pub mod model;

#[cfg(feature = "engine")]
pub mod engine;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

#[cfg(all(feature = "engine", target_arch = "wasm32"))]
pub mod browser;
