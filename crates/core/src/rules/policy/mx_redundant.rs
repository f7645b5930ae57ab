use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::mx::{PatternIndex, PatternKey};

crate::rules::rule!("POLICY-MX-REDUNDANT", Info, "RFC 8461 §4.1", Policy, "mx_redundant.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.mx_wildcards().next().is_none() {
        return;
    }
    // A few wildcards, as in most policies: searching them costs less than an index.
    if doc.mx_wildcards().nth(8).is_none() {
        check_by_search(doc, out);
    } else {
        check_by_index(doc, out);
    }
}

/// Compare each literal with each wildcard; the last equal one names the cover, as in
/// [`check_by_index`].
fn check_by_search(doc: &PolicyDoc, out: &mut Sink) {
    for (f, p) in doc.mx_patterns().filter(|(_, p)| !p.wildcard) {
        let Some((label, parent)) = p.domain.split_once('.') else { continue };
        if label.is_empty() {
            continue;
        }
        if let Some((_, w)) = doc.mx_wildcards().filter(|(_, w)| w.domain.eq_ignore_ascii_case(parent)).last() {
            out.report(&RULE, f.value, || format!("mx `{p}` is already covered by `{w}`"));
        }
    }
}

fn check_by_index(doc: &PolicyDoc, out: &mut Sink) {
    // `*.S` covers `L.S`: index the wildcards by S, then look each literal's parent up.
    let mut wildcards = PatternIndex::with_capacity(doc.mx_wildcard_indices().len());
    let domain_at = |i| doc.mx_pattern_at(i).map(|(w, _)| w.domain);
    // From the last, so that of equal wildcards the last names the cover, as in the search.
    for i in doc.mx_wildcard_indices().rev() {
        let Some((w, hash)) = doc.mx_pattern_at(i) else { continue };
        wildcards.first_or_insert(hash, i, |j| domain_at(j).is_some_and(|d| d.eq_ignore_ascii_case(w.domain)));
    }
    for (f, p) in doc.mx_patterns().filter(|(_, p)| !p.wildcard) {
        let Some((label, parent)) = p.domain.split_once('.') else { continue };
        if label.is_empty() {
            continue;
        }
        let cover = PatternKey {
            wildcard: true,
            domain: parent,
        };
        let found = wildcards.find(cover.hash64(), |j| domain_at(j).is_some_and(|d| d.eq_ignore_ascii_case(parent)));
        if let Some((w, _)) = found.and_then(|j| doc.mx_pattern_at(j)) {
            out.report(&RULE, f.value, || format!("mx `{p}` is already covered by `{w}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search for a few wildcards reports what the index does.
    #[test]
    fn search_and_index_agree() {
        let mut src = String::from("version: STSv1\nmode: enforce\nmax_age: 604800\n");
        for line in [
            "*.Example.com", "a.example.com", "*.example.COM", "b.EXAMPLE.com", "*.net", "x.net", "c.d.example.com",
            "*.d.example.com", "e.d.example.com", "*.org", "org", "*.x.org", "y.x.org", "x.org",
        ] {
            src.push_str(&format!("mx: {line}\n"));
        }
        let doc = PolicyDoc::parse(src.as_bytes());
        let (mut searched, mut indexed) = (Sink::new(), Sink::new());
        check_by_search(&doc, &mut searched);
        check_by_index(&doc, &mut indexed);
        let messages = |sink: Sink| sink.into_vec().into_iter().map(|d| (d.span, d.message)).collect::<Vec<_>>();
        let searched = messages(searched);
        assert_eq!(searched.len(), 7, "{searched:?}");
        assert_eq!(searched, messages(indexed));
    }
}
