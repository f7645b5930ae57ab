//! What the user types into a check: the domain and the DNS-over-HTTPS resolver, checked
//! before anything is sent (the page checks them too, before it starts its worker).

/// Well-known public resolvers, as `(name, URL)`; the first is the default.
pub const RESOLVERS: &[(&str, &str)] = &[
    ("Cloudflare", "https://cloudflare-dns.com/dns-query"),
    ("Google", "https://dns.google/dns-query"),
    ("Quad9", "https://dns.quad9.net/dns-query"),
];

/// `domain` as the A-label name to query, or why it is not a domain name.
pub fn domain_name(domain: &str) -> Result<String, String> {
    let trimmed = domain.trim();
    if trimmed.is_empty() {
        return Err("enter a domain name, e.g. example.com".into());
    }
    if trimmed.contains("://") || trimmed.contains(['/', '@', ':', ' ']) {
        return Err(format!(
            "`{trimmed}` is not a domain name: give just the domain, e.g. example.com"
        ));
    }
    let name = crate::mx::normalize_host(trimmed).ok_or_else(|| {
        format!("`{trimmed}` is not a domain name (letters, digits and hyphens in dot-separated labels)")
    })?;
    if !name.contains('.') {
        return Err(format!(
            "`{trimmed}` is a single label: give the full domain, e.g. {trimmed}.com"
        ));
    }
    // Mail domains are host names (RFC 5321 §4.1.2): letters, digits and hyphens.
    if let Some(label) = name.split('.').find(|l| {
        l.is_empty()
            || l.len() > 63
            || l.starts_with('-')
            || l.ends_with('-')
            || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }) {
        return Err(format!(
            "`{trimmed}` is not a mail domain: the label `{label}` is not letters, digits and inner hyphens (at most 63)"
        ));
    }
    if name.len() > 253 - "_mta-sts.".len() {
        return Err(format!(
            "`{trimmed}` is too long: with `_mta-sts.` in front it exceeds 253 characters"
        ));
    }
    if name.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("`{trimmed}` is an IP address, not a domain name"));
    }
    Ok(name)
}

/// Whether `resolver` is a URL a DoH client may use: `https://` (or `http://` on a
/// loopback host, for local test servers), with a host.
pub fn check_resolver(resolver: &str) -> Result<(), String> {
    let rest = if let Some(rest) = resolver.strip_prefix("https://") {
        rest
    } else if let Some(rest) = resolver.strip_prefix("http://") {
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        if !matches!(host, "127.0.0.1" | "[::1]" | "localhost") {
            return Err(format!(
                "the resolver `{resolver}` must use https:// (plain http is allowed only on 127.0.0.1, [::1] or localhost)"
            ));
        }
        rest
    } else {
        return Err(format!("the resolver `{resolver}` is not an https:// URL"));
    };
    if rest.split(['/', '?']).next().unwrap_or_default().is_empty() {
        return Err(format!("the resolver `{resolver}` has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(domain_name(" EXAMPLE.com. ").as_deref(), Ok("example.com"));
        assert_eq!(
            domain_name("b\u{fc}cher.example").as_deref(),
            Ok("xn--bcher-kva.example")
        );
        for (input, why) in [
            ("", "enter a domain"),
            ("https://example.com/", "not a domain name"),
            ("a@b.example", "not a domain name"),
            ("ex ample.com", "not a domain name"),
            ("bad_label.example", "not a mail domain"),
            ("-x.example", "not a mail domain"),
            ("localhost", "single label"),
            ("192.0.2.1", "IP address"),
        ] {
            let err = domain_name(input).expect_err(input);
            assert!(err.contains(why), "{input:?}: {err}");
        }
    }

    #[test]
    fn resolvers() {
        for ok in [
            "https://dns.example/q",
            "http://127.0.0.1:8053/dns-query",
            "http://localhost/q",
            "http://[::1]:80/q",
        ] {
            assert_eq!(check_resolver(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://dns.example/q",
            "ftp://x",
            "https://",
            "https:///q",
            "http://127.0.0.1:x/q",
        ] {
            assert!(check_resolver(bad).is_err(), "{bad}");
        }
    }
}
