//! The `Content-Type` header value (RFC 9110 §8.3.1):
//! `type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )`.

/// A parsed `Content-Type` value. Parsing never fails: what is not grammatical shows up as
/// an essence that is not `text/plain`, or as a parameter without a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaType {
    /// `type/subtype` as sent, without surrounding whitespace.
    pub essence: String,
    /// Parameters in order: name (as sent) and unquoted value (`None` without `=`).
    pub params: Vec<(String, Option<String>)>,
}

impl MediaType {
    pub fn parse(value: &str) -> MediaType {
        let is_ows = |c: char| c == ' ' || c == '\t';
        let (essence, mut rest) = match value.find(';') {
            Some(i) => (&value[..i], &value[i + 1..]),
            None => (value, ""),
        };
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start_matches(is_ows);
            if rest.is_empty() {
                break;
            }
            let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
            let name = rest[..name_end].trim_matches(is_ows).to_string();
            rest = &rest[name_end..];
            let value = if let Some(after) = rest.strip_prefix('=') {
                let (v, after) = value_of(after);
                rest = after;
                Some(v)
            } else {
                None
            };
            // Skip to the next `;` (anything after a value up to it is junk).
            rest = match rest.find(';') {
                Some(i) => &rest[i + 1..],
                None => "",
            };
            if !name.is_empty() || value.is_some() {
                params.push((name, value));
            }
        }
        MediaType {
            essence: essence.trim_matches(is_ows).to_string(),
            params,
        }
    }

    /// Whether type and subtype are `text/plain`, compared case-insensitively.
    pub fn is_text_plain(&self) -> bool {
        self.essence.eq_ignore_ascii_case("text/plain")
    }

    /// Whether the body is an HTML page (an error page, a login or challenge page).
    pub fn is_html(&self) -> bool {
        self.essence.eq_ignore_ascii_case("text/html") || self.essence.eq_ignore_ascii_case("application/xhtml+xml")
    }

    /// The values of every `charset` parameter (name compared case-insensitively).
    pub fn charsets(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("charset"))
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
}

/// A parameter value: a quoted-string (backslash escapes removed) or a token up to `;`.
fn value_of(s: &str) -> (String, &str) {
    if let Some(q) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = q.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return (out, &q[i + 1..]),
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        out.push(e);
                    }
                }
                c => out.push(c),
            }
        }
        (out, "") // unterminated: take the rest
    } else {
        let end = s.find(';').unwrap_or(s.len());
        (s[..end].trim_end_matches([' ', '\t']).to_string(), &s[end..])
    }
}

#[cfg(test)]
mod tests {
    use super::MediaType;

    #[test]
    fn parses() {
        let m = MediaType::parse("TEXT/PLAIN ;charset=\"utf\\-8\"; format=flowed;;x");
        assert!(m.is_text_plain());
        assert_eq!(m.charsets().collect::<Vec<_>>(), ["utf-8"]);
        assert_eq!(m.params.len(), 3);
        assert!(!MediaType::parse("text/plainx").is_text_plain());
        assert!(!MediaType::parse("text/html; x=text/plain").is_text_plain());
        assert!(!MediaType::parse("text/plain, text/html").is_text_plain());
        assert!(MediaType::parse(" text/plain\t").is_text_plain());
        let q = MediaType::parse("text/plain; charset=\"a;b\"; q=1");
        assert_eq!(q.charsets().collect::<Vec<_>>(), ["a;b"]);
        assert_eq!(q.params.len(), 2);
    }
}
