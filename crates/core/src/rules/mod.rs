//! The rule registry. One file per rule (`<group>/<name>.rs`) with its doc beside it
//! (`<name>.md`); each group's `mod.rs` lists its rules once, which both registers them
//! and runs their checks.

use crate::rule::Rule;

/// Declare a rule's metadata in its own file: `rule!("CODE", Severity, "RFC ...", Subject);`
/// The doc is the `.md` file of the same name beside it.
macro_rules! rule {
    ($code:literal, $sev:ident, $rfc:literal, $subject:ident, $doc:literal) => {
        pub static RULE: $crate::rule::Rule = $crate::rule::Rule {
            code: $code,
            severity: $crate::diagnostic::Severity::$sev,
            rfc: $rfc,
            subject: $crate::rule::Subject::$subject,
            // Cut from the doc at compile time: the title stays when the doc is left out.
            title: {
                const DOC: &str = include_str!($doc);
                const RANGE: (usize, usize) = $crate::rule::doc_title_range(DOC);
                const BYTES: [u8; RANGE.1 - RANGE.0] = $crate::rule::doc_title_bytes(DOC, RANGE.0);
                $crate::rule::doc_title_str(&BYTES)
            },
            // Without the `docs` feature (the web page's build) the text stays out of the
            // binary; the page fetches it from `rules.json` when it shows a doc.
            #[cfg(feature = "docs")]
            doc: include_str!($doc),
            #[cfg(not(feature = "docs"))]
            doc: "",
        };
    };
}

/// List a group's rules: declares the modules, the group's registry slice, and a
/// function that runs every check in order.
macro_rules! rule_group {
    ($registry:ident, $check_all:ident, $cx:ty; $($m:ident),* $(,)?) => {
        $(pub mod $m;)*
        pub static $registry: &[&$crate::rule::Rule] = &[$(&$m::RULE),*];
        pub fn $check_all(cx: &$cx, out: &mut $crate::diagnostic::Sink) {
            $($m::check(cx, out);)*
        }
    };
}

pub(crate) use rule;
pub(crate) use rule_group;

pub mod deployment;
pub mod fetch;
pub mod mx;
pub mod policy;
pub mod probe;
pub mod sts;
pub mod tlsrpt;

/// Every rule, in a stable order.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    policy::RULES
        .iter()
        .chain(sts::RECORD_RULES)
        .chain(sts::SET_RULES)
        .chain(tlsrpt::RECORD_RULES)
        .chain(tlsrpt::SET_RULES)
        .chain(mx::RULES)
        .chain(deployment::RULES)
        .chain(fetch::RULES)
        .chain(probe::RULES)
        .copied()
}

/// Look a rule up by code (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    all().find(|r| r.code.eq_ignore_ascii_case(code))
}
