//! DNS records as structured values and as BIND zone-file lines.

use serde::Serialize;

/// The record types the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    A,
    Aaaa,
    Cname,
    Txt,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Txt => "TXT",
        }
    }
}

/// One DNS record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DnsRecord {
    /// The owner name, fully qualified with a trailing dot: `_mta-sts.example.com.`.
    pub owner: String,
    #[serde(rename = "type")]
    pub rtype: RecordType,
    pub ttl: u32,
    /// The record data as a DNS web form wants it: the TXT text without quotes, the
    /// address, or the CNAME target (fully qualified, with a trailing dot).
    pub value: String,
    /// The same record as one BIND zone-file line.
    pub zone_line: String,
}

impl DnsRecord {
    pub fn new(owner: String, rtype: RecordType, ttl: u32, value: String) -> DnsRecord {
        let rdata = match rtype {
            RecordType::Txt => quote_txt(&value),
            _ => value.clone(),
        };
        let zone_line = format!("{owner} {ttl} IN {} {rdata}", rtype.as_str());
        DnsRecord {
            owner,
            rtype,
            ttl,
            value,
            zone_line,
        }
    }

    /// The owner name without its trailing dot, as most DNS web forms show it.
    pub fn name(&self) -> &str {
        self.owner.strip_suffix('.').unwrap_or(&self.owner)
    }
}

/// The longest character-string a TXT record holds (RFC 1035 §3.3).
pub const TXT_STRING_MAX: usize = 255;

fn is_field_space(b: u8) -> bool {
    matches!(b, b';' | b' ' | b'\t')
}

/// Cut TXT data into character-strings of at most 255 bytes. Cuts go next to a `;`, SP
/// or HTAB where possible, so no value runs across a string boundary (the linter warns
/// about that: STS-TXT-MULTI-STRING / TLSRPT-MULTI-STRING). The flag is false when some
/// cut had to fall inside a value.
pub fn split_txt(value: &str) -> (Vec<&str>, bool) {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut clean = true;
    let mut start = 0;
    while bytes.len() - start > TXT_STRING_MAX {
        let limit = start + TXT_STRING_MAX;
        // `limit < bytes.len()`, so `bytes[i]` is in range for every candidate.
        let good = (start + 1..=limit)
            .rev()
            .find(|&i| value.is_char_boundary(i) && (is_field_space(bytes[i - 1]) || is_field_space(bytes[i])));
        let cut = match good {
            Some(i) => i,
            None => {
                clean = false;
                (start + 1..=limit)
                    .rev()
                    .find(|&i| value.is_char_boundary(i))
                    .unwrap_or(limit)
            }
        };
        out.push(&value[start..cut]);
        start = cut;
    }
    out.push(&value[start..]);
    (out, clean)
}

/// TXT data in presentation format (RFC 1035 §5.1): quoted character-strings of at most
/// 255 bytes, `"` and `\` escaped, bytes outside printable ASCII as `\DDD`.
pub fn quote_txt(value: &str) -> String {
    let (strings, _) = split_txt(value);
    let mut out = String::with_capacity(value.len() + 2 * strings.len() + 2);
    for (i, s) in strings.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push('"');
        for &b in s.as_bytes() {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(char::from(b)),
                _ => out.push_str(&format!("\\{b:03}")),
            }
        }
        out.push('"');
    }
    out
}
