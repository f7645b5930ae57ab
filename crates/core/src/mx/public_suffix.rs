//! A short list of public suffixes for the broad-wildcard warning. Any single label is a
//! suffix (a TLD); below that, the common multi-label registries.

const MULTI_LABEL: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "com.au", "net.au", "org.au",
    "edu.au", "gov.au", "co.nz", "net.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr", "or.kr", "com.br",
    "net.br", "org.br", "com.cn", "net.cn", "org.cn", "com.mx", "com.ar", "com.tr", "co.za", "org.za", "co.in",
    "net.in", "org.in", "com.sg", "com.hk", "com.tw", "co.il", "com.my", "com.ph", "com.pl", "co.id", "com.ua",
    "com.ru", "com.es", "com.pt", "co.at", "or.at", "gv.at", "com.de", "eu.com", "uk.com", "us.com",
];

/// Whether `domain` (without `*.`) is a public suffix, in any case.
pub fn is_public_suffix(domain: &str) -> bool {
    // Every listed suffix has two labels: a name with more is none of them, and a large
    // policy asks this of every wildcard.
    match domain.bytes().filter(|&b| b == b'.').count() {
        0 => true,
        1 => MULTI_LABEL.iter().any(|s| s.eq_ignore_ascii_case(domain)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_labels_and_listed_registries_are_public_suffixes() {
        for d in ["com", "COM", "co.uk", "Co.UK", "com.au", "us.com"] {
            assert!(is_public_suffix(d), "{d}");
        }
        for d in ["example.com", "mx.co.uk", "example.co.uk", "uk.co", "co.uk.example"] {
            assert!(!is_public_suffix(d), "{d}");
        }
        assert!(
            MULTI_LABEL.iter().all(|s| s.matches('.').count() == 1),
            "the early answer relies on it"
        );
    }
}
