//! SMTP TLS Reporting (RFC 8460): the `_smtp._tls` TXT record.

pub mod rua;

use serde::Serialize;

/// A TLS-RPT record as a reporter would use it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TlsRptRecord {
    /// Every destination of every `rua` field, in order.
    pub rua: Vec<String>,
}

impl TlsRptRecord {
    /// The TXT record data: `v=TLSRPTv1; rua=<a>,<b>`.
    pub fn render(&self) -> String {
        format!("v=TLSRPTv1; rua={}", self.rua.join(","))
    }
}
