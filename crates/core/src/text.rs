//! Small byte-level helpers shared by the parsers.

/// SP or HTAB (ABNF `WSP`).
pub fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Number of leading WSP bytes.
pub fn leading_wsp(s: &[u8]) -> usize {
    s.iter().take_while(|b| is_wsp(**b)).count()
}

/// Number of trailing WSP bytes.
pub fn trailing_wsp(s: &[u8]) -> usize {
    s.iter().rev().take_while(|b| is_wsp(**b)).count()
}

/// A value as it should appear in a message: control and invalid bytes escaped, long
/// values cut with an ellipsis.
pub fn show(bytes: &[u8]) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    let text = String::from_utf8_lossy(bytes);
    for (n, c) in text.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{feff}' => out.push_str("\\u{feff}"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// ABNF ALPHA / DIGIT.
pub fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The extension-name grammar shared by both RFCs:
/// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
pub fn is_ext_name(s: &[u8]) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && is_alnum(s[0])
        && s[1..].iter().all(|&b| is_alnum(b) || matches!(b, b'_' | b'-' | b'.'))
}

/// TXT extension values: `1*(%x21-3A / %x3C / %x3E-7E)` (VCHAR except `;` and `=`).
pub fn is_txt_ext_value(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| (0x21..=0x7e).contains(&b) && b != b';' && b != b'=')
}

/// Offset of the first byte of an invalid UTF-8 sequence, if any.
pub fn utf8_error(s: &[u8]) -> Option<(usize, usize)> {
    match std::str::from_utf8(s) {
        Ok(_) => None,
        Err(e) => Some((e.valid_up_to(), e.error_len().unwrap_or(s.len() - e.valid_up_to()))),
    }
}
