//! Property tests: printing then parsing gives back what was printed, and no input makes
//! the linter panic or break its own invariants.

use mtasts_core::mta_sts::{Mode, Policy, StsRecord};
use mtasts_core::tlsrpt::TlsRptRecord;
use mtasts_core::{Kind, Parsed, Severity, Subject, lint, lint_policy, mx, txt};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    // `xn--` labels must be valid Punycode, which random text is not.
    "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?".prop_filter("not an A-label", |l| !l.starts_with("xn--"))
}

fn host() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..3), "[a-z]{2,6}").prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn pattern() -> impl Strategy<Value = String> {
    (any::<bool>(), host()).prop_map(|(wild, h)| if wild { format!("*.{h}") } else { h })
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)],
        prop::collection::vec(pattern(), 0..5),
        0u64..=31_557_600,
    )
        .prop_map(|(mode, mx, max_age)| {
            let mx = if mode != Mode::None && mx.is_empty() {
                vec!["mx.example.com".to_string()]
            } else {
                mx
            };
            Policy {
                version: "STSv1".into(),
                mode,
                max_age,
                mx: mx.into(),
            }
        })
}

proptest! {
    #[test]
    fn policy_render_parse(p in policy(), crlf in any::<bool>()) {
        let text = p.render(if crlf { "\r\n" } else { "\n" });
        let r = lint_policy(text.as_bytes(), None);
        prop_assert!(r.valid, "{text:?}");
        prop_assert_eq!(r.parsed, Some(Parsed::Policy(p)));
    }

    #[test]
    fn pattern_display_parse(p in pattern()) {
        let parsed = mx::pattern::parse(p.as_bytes()).expect("generated patterns are valid");
        prop_assert_eq!(parsed.to_string(), p);
    }

    #[test]
    fn wildcard_matches_exactly_one_label(l in label(), h in host(), extra in label()) {
        let p = mx::pattern::parse(format!("*.{h}").as_bytes()).expect("valid");
        let one = format!("{l}.{h}");
        let two = format!("{extra}.{l}.{h}");
        prop_assert!(mx::matches(&p, &one));
        prop_assert!(!mx::matches(&p, &two));
        prop_assert!(!mx::matches(&p, &h));
        let dotted = one.to_uppercase() + ".";
        prop_assert!(mx::first_match([&p], &dotted).is_some());
    }

    #[test]
    fn presentation_round_trip(data in prop::collection::vec(any::<u8>(), 0..700)) {
        let text = txt::to_presentation(&data);
        let records = txt::records(text.as_bytes());
        prop_assert_eq!(records.len(), 1);
        prop_assert_eq!(&records[0].data, &data);
        prop_assert!(records[0].syntax_error.is_none());
    }

    #[test]
    fn sts_render_parse(id in "[A-Za-z0-9]{1,32}") {
        let rec = StsRecord { id };
        let r = lint(Kind::Sts, rec.render().as_bytes());
        prop_assert!(r.valid);
        prop_assert_eq!(r.parsed, Some(Parsed::Sts(rec)));
    }

    #[test]
    fn tlsrpt_render_parse(users in prop::collection::vec("[a-z][a-z0-9+-]{0,10}(\\.[a-z0-9]{1,5})?", 1..4), h in host()) {
        let rua: Vec<String> = users.iter().enumerate().map(|(i, u)| {
            if i % 2 == 0 { format!("mailto:{u}@{h}") } else { format!("https://{h}/{u}") }
        }).collect();
        let rec = TlsRptRecord { rua };
        let r = lint(Kind::Tlsrpt, rec.render().as_bytes());
        prop_assert!(r.valid, "{}: {:?}", rec.render(), r.diagnostics.iter().map(|d| d.rule.code).collect::<Vec<_>>());
        prop_assert_eq!(r.parsed, Some(Parsed::Tlsrpt(rec)));
    }

    #[test]
    fn any_input_keeps_the_invariants(data in prop::collection::vec(any::<u8>(), 0..400), kind in 0usize..4) {
        let kind = [Kind::Policy, Kind::Sts, Kind::Tlsrpt, Kind::Zone][kind];
        let r = lint(kind, &data);
        let errors = r.diagnostics.iter().any(|d| d.severity == Severity::Error && d.rule.subject != Subject::MxMatch);
        prop_assert_eq!(r.valid, !errors);
        prop_assert_eq!(r.valid, r.parsed.is_some());
        for d in &r.diagnostics {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= data.len());
            prop_assert!(d.line >= 1 && d.column >= 1);
            for e in d.fix.iter().flat_map(|f| &f.edits) {
                prop_assert!(e.span.end <= data.len());
            }
        }
    }

    #[test]
    fn policy_like_input_keeps_the_invariants(lines in prop::collection::vec(
        prop_oneof![
            Just("version: STSv1".to_string()), Just("mode: enforce".to_string()), Just("mode: testing".to_string()),
            Just("max_age: 604800".to_string()), pattern().prop_map(|p| format!("mx: {p}")), "[ -~]{0,20}",
            Just(String::new()), Just(" mode: none".to_string()), Just("Mode: enforce".to_string()),
        ], 0..8), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let r = lint_policy(text.as_bytes(), None);
        prop_assert_eq!(r.valid, r.count(Severity::Error) == 0);
        // Fixing never makes a valid policy invalid, and leaves nothing fixable behind.
        let fixed = mtasts_core::fix_all(Kind::Policy, text.as_bytes(), None);
        let after = lint_policy(&fixed, None);
        if r.valid {
            prop_assert!(after.valid, "{text:?} -> {:?}", String::from_utf8_lossy(&fixed));
        }
        prop_assert!(after.diagnostics.iter().all(|d| d.fix.is_none()), "{:?} still fixable: {:?}", String::from_utf8_lossy(&fixed),
            after.diagnostics.iter().filter(|d| d.fix.is_some()).map(|d| d.rule.code).collect::<Vec<_>>());
    }
}
