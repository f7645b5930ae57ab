//! A short list of public suffixes for the broad-wildcard warning. Any single label is a
//! suffix (a TLD); below that, the common multi-label registries.

const MULTI_LABEL: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "com.au", "net.au", "org.au",
    "edu.au", "gov.au", "co.nz", "net.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr", "or.kr", "com.br",
    "net.br", "org.br", "com.cn", "net.cn", "org.cn", "com.mx", "com.ar", "com.tr", "co.za", "org.za", "co.in",
    "net.in", "org.in", "com.sg", "com.hk", "com.tw", "co.il", "com.my", "com.ph", "com.pl", "co.id", "com.ua",
    "com.ru", "com.es", "com.pt", "co.at", "or.at", "gv.at", "com.de", "eu.com", "uk.com", "us.com",
];

/// Whether `domain` (without `*.`) is a public suffix.
pub fn is_public_suffix(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    !d.contains('.') || MULTI_LABEL.contains(&d.as_str())
}
