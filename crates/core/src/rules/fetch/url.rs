use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-URL", Info, "RFC 8461 §3.2, §3.4", Fetch, "url.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let given = cx.e.domain.trim();
    let Some(domain) = cx.domain else {
        let message = if given.is_empty() {
            "no Policy Domain was given, so there is no policy URL".to_string()
        } else {
            format!(
                "`{}` is not a usable domain name, so senders have no policy URL for it",
                show(given)
            )
        };
        return Some((Severity::Info, message));
    };
    let mut message = format!("senders fetch the policy from `{}`", cx.url);
    let given_host = given.strip_suffix('.').unwrap_or(given);
    if !given_host.is_ascii() {
        message.push_str(&format!(
            " (`mta-sts.{}` in A-label form)",
            show(&given_host.to_lowercase())
        ));
    }
    message.push_str(", and from nowhere else: no other path, no `http://`, no parent domain");
    if let Some(parent) = domain.strip_prefix("mta-sts.") {
        message.push_str(&format!(
            "; the domain itself starts with `mta-sts.`: for mail to `{parent}`, check `{parent}` instead"
        ));
    }
    if let Some(used) = cx.e.url.as_deref()
        && !same_url(used, cx.url)
    {
        message.push_str(&format!(
            "; this check fetched `{}` instead, so the findings below are about that URL",
            show(used)
        ));
    }
    Some((Severity::Info, message))
}

/// Whether two URLs are the same: scheme and host compared case-insensitively (with a
/// default `:443` dropped), the rest exactly.
fn same_url(a: &str, b: &str) -> bool {
    fn split(u: &str) -> (String, &str) {
        let u = u.trim();
        let after_scheme = u.find("://").map_or(0, |i| i + 3);
        let end = u[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(u.len(), |i| after_scheme + i);
        let authority = u[..end].to_ascii_lowercase();
        let authority = match authority.strip_prefix("https://") {
            Some(rest) => format!("https://{}", rest.strip_suffix(":443").unwrap_or(rest)),
            None => authority,
        };
        let rest = &u[end..];
        (authority, if rest.is_empty() { "/" } else { rest })
    }
    split(a) == split(b)
}
