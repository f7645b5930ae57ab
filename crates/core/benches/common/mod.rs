//! Inputs shared by the benchmarks.

// Each bench uses only some of these.
#![allow(dead_code)]

/// A typical policy: five lines, CRLF line endings.
pub const POLICY: &[u8] =
    b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

/// A typical `_mta-sts` TXT record.
pub const STS: &[u8] = b"v=STSv1; id=20240101T000000;\n";

/// A `_smtp._tls` TXT record with two report URIs.
pub const TLSRPT: &[u8] = b"v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reporting.example.com/v1/tlsrpt\n";

/// MX hosts for the policy above: one literal match, one wildcard match, one not covered.
pub const MX_HOSTS: [&str; 3] = ["mx1.example.com.", "smtp.example.net", "backup.example.org"];

/// A valid-looking CRLF policy of at most `size` bytes and within one line of it: the
/// header fields, then as many distinct `mx:` lines as fit.
pub fn policy_of_size(size: usize) -> Vec<u8> {
    policy_of_lines(size, |i| format!("mx: mx{i}.example.com"))
}

/// The header fields, then as many lines `line(0)`, `line(1)`, … as fit in `size` bytes
/// (CRLF line endings).
pub fn policy_of_lines(size: usize, line: impl Fn(usize) -> String) -> Vec<u8> {
    let mut out = b"version: STSv1\r\nmode: enforce\r\nmax_age: 604800\r\n".to_vec();
    for i in 0.. {
        let line = format!("{}\r\n", line(i));
        if out.len() + line.len() > size {
            break;
        }
        out.extend_from_slice(line.as_bytes());
    }
    out
}
