//! The generator: exact outputs, refused inputs, and a property test that everything it
//! writes lints with no error and no warning and parses back to the input.

use mtasts_core::generate::{
    self, CivilTime, DnsRecord, Field, GenerateError, GenerateInput, Generated, HostSetup, LineEnding, PLATFORMS,
    RecordType, fnv1a32, generate, policy_id, quote_txt, split_txt,
};
use mtasts_core::mta_sts::Mode;
use mtasts_core::{Kind, Parsed, Report, Severity, lint, lint_policy};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Helpers

fn input(domain: &str, mode: Mode, mx: &[&str]) -> GenerateInput {
    let mut i = GenerateInput::new(domain, mode, mx.iter().map(|s| s.to_string()).collect());
    i.issued_at = 1_700_000_000; // 2023-11-14 22:13:20 UTC
    i
}

#[track_caller]
fn ok(i: &GenerateInput) -> Generated {
    match generate(i) {
        Ok(g) => g,
        Err(e) => panic!("{i:?} should generate: {e}"),
    }
}

#[track_caller]
fn err(i: &GenerateInput) -> GenerateError {
    match generate(i) {
        Ok(g) => panic!("{i:?} should be refused, got policy {:?}", g.policy),
        Err(e) => e,
    }
}

fn findings(r: &Report) -> Vec<String> {
    r.diagnostics
        .iter()
        .map(|d| format!("{} {:?}: {}", d.rule.code, d.severity, d.message))
        .collect()
}

/// No error, no warning, and valid.
#[track_caller]
fn assert_clean(r: &Report, what: &str) {
    let bad: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    assert!(bad.is_empty() && r.valid, "{what} should lint clean: {:?}", findings(r));
}

/// The data of a zone-file TXT line, from its first `"`.
fn presentation(line: &str) -> &str {
    &line[line.find('"').expect("a quoted TXT value")..]
}

/// Undo `nginx_string` / `js_string` for the escapes they use.
fn unescape_c_like(lit: &str) -> String {
    let inner = &lit[1..lit.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some(other) => out.push(other),
            None => panic!("dangling backslash in {lit:?}"),
        }
    }
    out
}

/// The double-quoted literal that follows `marker` in `text`.
fn literal_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("{marker:?} in {text}")) + marker.len();
    let rest = &text[start..];
    let open = rest.find('"').unwrap();
    let mut escaped = false;
    for (i, c) in rest[open + 1..].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return &rest[open..open + 1 + i + 1],
            _ => escaped = false,
        }
    }
    panic!("unterminated literal after {marker:?}")
}

/// Each platform carries the exact policy bytes: as `.well-known/mta-sts.txt` or inside
/// an nginx / JavaScript string literal.
#[track_caller]
fn assert_hosting_embeds_policy(g: &Generated) {
    for platform in PLATFORMS {
        let files: Vec<_> = g.hosting_for(platform).collect();
        assert!(!files.is_empty(), "no files for {platform}");
        let mut carried = false;
        for f in &files {
            assert!(!f.note.is_empty(), "{platform}/{} has no note", f.path);
            if f.path == ".well-known/mta-sts.txt" {
                assert_eq!(f.contents, g.policy, "{platform} policy file");
                carried = true;
            }
            if platform == generate::NGINX && f.path.ends_with(".conf") {
                assert_eq!(unescape_c_like(literal_after(&f.contents, "return 200 ")), g.policy);
                carried = true;
            }
            if platform == generate::CLOUDFLARE_WORKERS && f.path == "src/index.js" {
                assert_eq!(unescape_c_like(literal_after(&f.contents, "const POLICY = ")), g.policy);
                carried = true;
            }
        }
        assert!(carried, "{platform} does not carry the policy");
    }
}

// ---------------------------------------------------------------------------------------
// The policy

#[test]
fn policy_crlf_exact_bytes() {
    let g = ok(&input(
        "example.com",
        Mode::Testing,
        &["mx1.example.com", "mx2.example.com"],
    ));
    assert_eq!(
        g.policy,
        "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 604800\r\n"
    );
    assert!(!g.policy.starts_with('\u{feff}'));
    assert_eq!(g.line_ending, LineEnding::Crlf);
    assert_eq!(g.policy_url, "https://mta-sts.example.com/.well-known/mta-sts.txt");
    assert_eq!(g.policy_host, "mta-sts.example.com");
}

#[test]
fn policy_lf_exact_bytes() {
    let mut i = input("example.com", Mode::Enforce, &["mail.example.com"]);
    i.line_ending = LineEnding::Lf;
    i.max_age = 1_209_600;
    let g = ok(&i);
    assert_eq!(
        g.policy,
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 1209600\n"
    );
    assert!(!g.policy.contains('\r'));
}

#[test]
fn policy_mode_none_without_mx() {
    let mut i = input("example.com", Mode::None, &[]);
    i.max_age = 86_400;
    let g = ok(&i);
    assert_eq!(g.policy, "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
    assert_clean(&lint_policy(g.policy.as_bytes(), None), "none policy");
    assert!(g.notes.iter().any(|n| n.contains("§8.3")));
    assert!(g.notes.iter().any(|n| n.contains("chasquid")));
    // No MODE-NO-TLSRPT note for mode none.
    assert!(!g.notes.iter().any(|n| n.contains("MODE-NO-TLSRPT")));
}

#[test]
fn policy_mode_none_with_mx_and_small_max_age() {
    let mut i = input("example.com", Mode::None, &["mail.example.com"]);
    i.max_age = 1;
    let g = ok(&i);
    assert_eq!(
        g.policy,
        "version: STSv1\r\nmode: none\r\nmx: mail.example.com\r\nmax_age: 1\r\n"
    );
    assert_clean(&lint_policy(g.policy.as_bytes(), None), "none policy with mx");
}

#[test]
fn mx_normalized() {
    let g = ok(&input(
        "Example.COM.",
        Mode::Testing,
        &[
            " MX1.Example.com. ",
            "mx1.example.com",
            "*.Mail.Example.NET",
            "mx.bücher.example",
            "*.bücher.example.",
        ],
    ));
    assert_eq!(g.domain, "example.com");
    assert_eq!(
        g.mx,
        [
            "mx1.example.com",
            "*.mail.example.net",
            "mx.xn--bcher-kva.example",
            "*.xn--bcher-kva.example"
        ]
    );
    assert!(g.policy.contains("mx: mx.xn--bcher-kva.example\r\n"));
    assert!(g.notes.iter().any(|n| n.contains("given twice")));
    assert!(g.notes.iter().any(|n| n.contains("exactly one label")));
    assert!(
        g.notes
            .iter()
            .any(|n| n.contains("already covered by `mx: *.xn--bcher-kva.example`"))
    );
}

#[test]
fn domain_u_label_becomes_a_label() {
    let g = ok(&input("Bücher.example", Mode::Testing, &["mx.bücher.example"]));
    assert_eq!(g.domain, "xn--bcher-kva.example");
    assert_eq!(g.policy_host, "mta-sts.xn--bcher-kva.example");
    assert_eq!(g.records.last().unwrap().owner, "_mta-sts.xn--bcher-kva.example.");
}

// ---------------------------------------------------------------------------------------
// The id

#[test]
fn civil_time_and_hash_vectors() {
    let cases = [
        (0, "19700101000000"),
        (951_782_400, "20000229000000"),
        (1_700_000_000, "20231114221320"),
        (1_709_164_800, "20240229000000"),
        (4_102_444_799, "20991231235959"),
        (253_402_300_799, "99991231235959"),
        (253_402_300_800, "100000101000000"),
    ];
    for (secs, want) in cases {
        assert_eq!(CivilTime::from_unix(secs).compact(), want, "{secs}");
    }
    assert_eq!(
        CivilTime::from_unix(1_700_000_000).readable(),
        "2023-11-14 22:13:20 UTC"
    );
    assert_eq!(fnv1a32(b""), 0x811c_9dc5);
    assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
    assert_eq!(policy_id(0, ""), "19700101000000811c9dc5");
    let max = policy_id(u64::MAX, "x");
    assert!(
        max.len() <= 32 && max.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{max}"
    );
}

#[test]
fn id_format_and_sts_record() {
    let g = ok(&input("example.com", Mode::Testing, &["mx.example.com"]));
    assert!(g.id.starts_with("20231114221320"), "{}", g.id);
    assert_eq!(g.id.len(), 22);
    assert_eq!(g.id, policy_id(1_700_000_000, &g.policy));
    assert_eq!(g.issued, "2023-11-14 22:13:20 UTC");
    assert_eq!(g.sts_txt, format!("v=STSv1; id={}", g.id));
    let r = lint(Kind::Sts, g.sts_txt.as_bytes());
    assert_clean(&r, "sts record");
    assert!(matches!(r.parsed, Some(Parsed::Sts(ref s)) if s.id == g.id));
}

#[test]
fn id_changes_with_policy_and_time_only() {
    let base = input("example.com", Mode::Testing, &["mx.example.com"]);
    let a = ok(&base);
    assert_eq!(ok(&base).id, a.id, "deterministic");
    let mut later = base.clone();
    later.issued_at += 1;
    assert_ne!(ok(&later).id, a.id);
    let mut enforce = base.clone();
    enforce.mode = Mode::Enforce;
    assert_ne!(ok(&enforce).id, a.id);
    let mut lf = base.clone();
    lf.line_ending = LineEnding::Lf;
    assert_ne!(ok(&lf).id, a.id, "the body's bytes changed");
    let mut more = base.clone();
    more.mx.push("mx2.example.com".into());
    assert_ne!(ok(&more).id, a.id);
    // Records that are not in the policy do not change the id.
    let mut with_rua = base.clone();
    with_rua.rua = vec!["tlsrpt@example.net".into()];
    with_rua.ttl = 300;
    assert_eq!(ok(&with_rua).id, a.id);
}

// ---------------------------------------------------------------------------------------
// TLS-RPT

#[test]
fn tlsrpt_record() {
    let mut i = input("example.com", Mode::Enforce, &["mx.example.com"]);
    i.rua = vec![
        "tls-reports@example.net".into(),
        "MAILTO:tls-reports@example.net".into(),
        "https://reports.example.net/v1/tlsrpt".into(),
        "mailto:rpt@bücher.example".into(),
    ];
    let g = ok(&i);
    assert_eq!(
        g.rua,
        [
            "mailto:tls-reports@example.net",
            "https://reports.example.net/v1/tlsrpt",
            "mailto:rpt@xn--bcher-kva.example"
        ]
    );
    let txt = g.tlsrpt_txt.clone().unwrap();
    assert_eq!(
        txt,
        "v=TLSRPTv1; rua=mailto:tls-reports@example.net,https://reports.example.net/v1/tlsrpt,mailto:rpt@xn--bcher-kva.example"
    );
    let r = lint(Kind::Tlsrpt, txt.as_bytes());
    assert_clean(&r, "tlsrpt record");
    assert!(matches!(r.parsed, Some(Parsed::Tlsrpt(ref t)) if t.rua == g.rua));
    assert!(g.notes.iter().any(|n| n.contains("given twice")));
    assert!(!g.notes.iter().any(|n| n.contains("MODE-NO-TLSRPT")));
}

#[test]
fn no_rua_means_no_record_and_a_note() {
    let g = ok(&input("example.com", Mode::Testing, &["mx.example.com"]));
    assert_eq!(g.tlsrpt_txt, None);
    assert!(g.tlsrpt_record().is_none());
    assert!(g.notes.iter().any(|n| n.starts_with("MODE-NO-TLSRPT")));
}

#[test]
fn rua_inside_the_protected_domain_gets_a_note() {
    let mut i = input("example.com", Mode::Enforce, &["mx.example.com"]);
    i.rua = vec!["tlsrpt@example.com".into()];
    let g = ok(&i);
    assert!(g.notes.iter().any(|n| n.contains("the domain this policy protects")));
}

#[test]
fn long_tlsrpt_record_is_split_between_destinations() {
    let mut i = input("example.com", Mode::Enforce, &["mx.example.com"]);
    i.rua = (0..6)
        .map(|n| format!("mailto:tls-reports-{n}-long-local-part-for-testing@reports-{n}.example.net"))
        .collect();
    let g = ok(&i);
    let txt = g.tlsrpt_txt.clone().unwrap();
    assert!(txt.len() > 255 && txt.contains(", "), "{txt}");
    let rec = g.tlsrpt_record().unwrap();
    assert!(rec.zone_line.matches('"').count() >= 4, "{}", rec.zone_line);
    let (parts, clean) = split_txt(&txt);
    assert!(clean && parts.iter().all(|p| p.len() <= 255));
    let r = lint(Kind::Tlsrpt, presentation(&rec.zone_line).as_bytes());
    assert_clean(&r, "split tlsrpt record");
    assert!(matches!(r.parsed, Some(Parsed::Tlsrpt(ref t)) if t.rua == g.rua));
}

// ---------------------------------------------------------------------------------------
// DNS records

#[test]
fn records_in_publication_order() {
    let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
    i.rua = vec!["mailto:tlsrpt@example.net".into()];
    i.policy_host = Some("example.github.io.".into());
    i.ttl = 300;
    let g = ok(&i);
    let lines: Vec<&str> = g.records.iter().map(|r| r.zone_line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "mta-sts.example.com. 300 IN CNAME example.github.io.".to_string(),
            "_smtp._tls.example.com. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.net\"".to_string(),
            format!("_mta-sts.example.com. 300 IN TXT \"v=STSv1; id={}\"", g.id),
        ]
    );
    assert_eq!(g.records[0].rtype, RecordType::Cname);
    assert_eq!(g.records[0].value, "example.github.io.");
    assert_eq!(g.records[2].name(), "_mta-sts.example.com");
    assert_eq!(g.records[2].value, g.sts_txt);
    for line in &lines {
        assert!(g.zone.contains(line));
    }
    assert!(g.zone.starts_with(';'));
    assert!(
        g.notes
            .iter()
            .any(|n| n.contains("certificate valid for `mta-sts.example.com`"))
    );
}

#[test]
fn host_records() {
    let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
    i.policy_host = Some("192.0.2.10".into());
    let g = ok(&i);
    let rec = g.host.record().unwrap();
    assert_eq!((rec.rtype, rec.value.as_str()), (RecordType::A, "192.0.2.10"));
    assert_eq!(rec.zone_line, "mta-sts.example.com. 3600 IN A 192.0.2.10");
    assert!(g.notes.iter().any(|n| n.contains("AAAA")));
    assert!(g.notes.iter().any(|n| n.contains("not a public address")));

    i.policy_host = Some("[2001:DB8::10]".into());
    let g = ok(&i);
    let rec = g.host.record().unwrap();
    assert_eq!((rec.rtype, rec.value.as_str()), (RecordType::Aaaa, "2001:db8::10"));

    i.policy_host = Some("Pages.Bücher.example".into());
    let rec = ok(&i).host.record().unwrap().clone();
    assert_eq!(
        (rec.rtype, rec.value.as_str()),
        (RecordType::Cname, "pages.xn--bcher-kva.example.")
    );

    i.policy_host = None;
    let g = ok(&i);
    assert!(matches!(&g.host, HostSetup::Instruction(t) if t.contains("mta-sts.example.com")));
    assert_eq!(g.records.len(), 1, "only the _mta-sts record");
}

#[test]
fn zone_quoting_and_splitting() {
    assert_eq!(quote_txt("a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_eq!(quote_txt("tab\there"), "\"tab\\009here\"");
    let long = format!("v=STSv1; id=abc; ext={}", "x".repeat(300));
    let (parts, clean) = split_txt(&long);
    assert!(!clean, "a 300-byte value cannot be cut at a delimiter");
    assert_eq!(parts.concat(), long);
    assert!(parts.iter().all(|p| p.len() <= 255));
    let words = vec!["word"; 100].join(" ");
    let (parts, clean) = split_txt(&words);
    assert!(clean);
    assert_eq!(parts.concat(), words);
    assert!(parts.iter().all(|p| p.len() <= 255));
    assert!(
        parts.windows(2).all(|w| w[0].ends_with(' ') || w[1].starts_with(' ')),
        "{parts:?}"
    );
    let rec = DnsRecord::new("_x.example.".into(), RecordType::Txt, 60, words.clone());
    assert_eq!(rec.zone_line.matches("\" \"").count(), parts.len() - 1);
}

// ---------------------------------------------------------------------------------------
// Hosting files

#[test]
fn hosting_files_for_every_platform() {
    for ending in [LineEnding::Crlf, LineEnding::Lf] {
        let mut i = input("example.com", Mode::Enforce, &["mx1.example.com", "*.mx.example.net"]);
        i.line_ending = ending;
        let g = ok(&i);
        assert_hosting_embeds_policy(&g);
        let get = |platform: &str, path: &str| -> String {
            g.hosting_for(platform)
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{platform}/{path}"))
                .contents
                .clone()
        };
        let nginx = get(generate::NGINX, "mta-sts.example.com.conf");
        assert!(nginx.contains("server_name mta-sts.example.com;"));
        assert!(nginx.contains("location = /.well-known/mta-sts.txt {"));
        assert!(nginx.contains("types { }") && nginx.contains("default_type \"text/plain; charset=utf-8\";"));
        assert!(nginx.contains("ssl_certificate     /etc/letsencrypt/live/mta-sts.example.com/fullchain.pem;"));
        assert!(!nginx.contains("return 301") && !nginx.contains("return 302") && !nginx.contains("rewrite"));
        if ending == LineEnding::Crlf {
            assert!(nginx.contains("\\r\\n"));
        }

        let apache = get(generate::APACHE, "mta-sts.example.com.conf");
        assert!(apache.contains("<Location \"/.well-known/mta-sts.txt\">") && apache.contains("ForceType text/plain"));
        assert!(apache.contains("ServerName mta-sts.example.com"));
        assert!(
            !apache
                .lines()
                .any(|l| l.trim_start().starts_with("Redirect") || l.trim_start().starts_with("Rewrite"))
        );

        let caddy = get(generate::CADDY, "Caddyfile");
        assert!(caddy.contains("mta-sts.example.com {"));
        assert!(caddy.contains("header Content-Type \"text/plain; charset=utf-8\"") && caddy.contains("respond 404"));
        assert!(!caddy.lines().any(|l| l.trim_start().starts_with("redir")));

        assert_eq!(get(generate::GITHUB_PAGES, "CNAME"), "mta-sts.example.com\n");
        assert!(get(generate::GITHUB_PAGES, "_config.yml").contains("include: [\".well-known\"]"));
        assert!(get(generate::GITHUB_PAGES, ".gitattributes").contains("/.well-known/mta-sts.txt -text"));

        let worker = get(generate::CLOUDFLARE_WORKERS, "src/index.js");
        assert!(worker.contains("\"content-type\": \"text/plain; charset=utf-8\""));
        assert!(worker.contains("status: 404") && worker.contains("url.pathname !== \"/.well-known/mta-sts.txt\""));
        assert!(!worker.contains("Response.redirect"));
        let wrangler = get(generate::CLOUDFLARE_WORKERS, "wrangler.toml");
        assert!(wrangler.contains("pattern = \"mta-sts.example.com\", custom_domain = true"));
        assert!(wrangler.contains("compatibility_date = \"2023-11-14\""));
        assert!(wrangler.contains("name = \"mta-sts-example-com\""));

        let headers = get(generate::NETLIFY, "_headers");
        assert!(headers.contains("/.well-known/mta-sts.txt\n  Content-Type: text/plain; charset=utf-8\n"));
        let toml = get(generate::NETLIFY, "netlify.toml");
        assert!(toml.contains("PRIMARY domain") && toml.contains("force = true") && !toml.contains("[[redirects]]\n"));
    }
}

#[test]
fn files_lists_policy_then_hosting() {
    let g = ok(&input("example.com", Mode::Testing, &["mx.example.com"]));
    let files = g.files();
    assert_eq!(files[0].path, ".well-known/mta-sts.txt");
    assert_eq!(files[0].contents, g.policy);
    assert_eq!(files.len(), 1 + g.hosting.len());
    assert!(files.iter().any(|f| f.path == "nginx/mta-sts.example.com.conf"));
    assert!(files.iter().any(|f| f.path == "github-pages/.well-known/mta-sts.txt"));
    assert!(files.iter().any(|f| f.path == "cloudflare-workers/src/index.js"));
    for f in &files {
        assert!(!f.path.starts_with('/') && !f.path.contains(".."), "{}", f.path);
    }
}

#[test]
fn js_and_nginx_escaping() {
    let s = "a\"b\\c\r\nd\te\u{2028}f\u{1}";
    assert_eq!(generate::js_string(s), "\"a\\\"b\\\\c\\r\\nd\\te\\u2028f\\u0001\"");
    assert_eq!(unescape_c_like(&generate::js_string(s)), s);
    assert_eq!(generate::nginx_string("a\"b\\c\r\n"), "\"a\\\"b\\\\c\\r\\n\"");
}

#[test]
fn serializes_to_json() {
    let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
    i.policy_host = Some("192.0.2.1".into());
    let g = ok(&i);
    // serde_json is not a dependency of the core; check the derive through a
    // serializer-agnostic path: the Debug form of the fields the JSON would carry.
    fn assert_serialize<T: serde::Serialize>(_: &T) {}
    assert_serialize(&g);
    assert_serialize(&err(&input("", Mode::Testing, &["mx.example.com"])));
}

// ---------------------------------------------------------------------------------------
// Refused inputs

#[track_caller]
fn assert_refused(i: &GenerateInput, field: Field, value: &str, words: &str) {
    let e = err(i);
    assert_eq!(e.field, field, "{e}");
    assert_eq!(e.value, value, "{e}");
    assert!(e.reason.contains(words), "{e} should mention {words:?}");
    let shown = e.to_string();
    assert!(shown.contains(field.as_str()) && shown.contains(value), "{shown}");
}

#[test]
fn invalid_domains() {
    let cases = [
        ("", "no domain given"),
        ("https://example.com", "not a URL"),
        ("postmaster@example.com", "after `@`"),
        ("mta-sts.example.com", "give the mail domain itself (`example.com`)"),
        ("_mta-sts.example.com", "`_mta-sts.` is added"),
        ("*.example.com", "cannot be a wildcard"),
        ("exa_mple.com", "`_` is not allowed"),
        ("-example.com", "cannot start with `-`"),
        ("192.0.2.1", "IP address"),
        ("localhost", "at least two labels"),
        ("example..com", "empty label"),
    ];
    for (domain, words) in cases {
        assert_refused(
            &input(domain, Mode::Testing, &["mx.example.com"]),
            Field::Domain,
            domain,
            words,
        );
    }
    let long = format!("{}.com", vec!["a".repeat(60); 4].join("."));
    assert_refused(
        &input(&long, Mode::Testing, &["mx.example.com"]),
        Field::Domain,
        &long,
        "_smtp._tls",
    );
    // `mta-sts.com` is a domain of its own.
    ok(&input("mta-sts.com", Mode::Testing, &["mx.mta-sts.com"]));
}

#[test]
fn invalid_mx() {
    let cases = [
        ("", "it is empty"),
        ("*.", "nothing follows `*.`"),
        ("mx*.example.com", "`*` may only be the whole first label"),
        ("*.*.example.com", "`*` may only be the whole first label"),
        ("mail_1.example.com", "`_` is not allowed"),
        ("mx.example.com..", "more than one `.`"),
        ("192.0.2.25", "IP address"),
        ("*.com", "public suffix"),
        ("*.co.uk", "public suffix"),
        ("mx.example.com:25", "not a URL"),
        ("xn--zz.example.com", "Punycode"),
    ];
    for (mx, words) in cases {
        assert_refused(
            &input("example.com", Mode::Enforce, &["mx.example.com", mx]),
            Field::Mx,
            mx,
            words,
        );
    }
    let long = format!("{}.example.com", "a".repeat(64));
    assert_refused(
        &input("example.com", Mode::Enforce, &[&long]),
        Field::Mx,
        &long,
        "64 octets",
    );
}

#[test]
fn mode_needs_mx() {
    for mode in [Mode::Testing, Mode::Enforce] {
        let e = err(&input("example.com", mode, &[]));
        assert_eq!((e.field, e.value.as_str()), (Field::Mx, ""));
        assert!(
            e.reason.contains(mode.as_str()) && e.reason.contains("at least one mx"),
            "{e}"
        );
        assert!(e.to_string().starts_with("mx: "), "{e}");
    }
}

#[test]
fn max_age_limits_match_the_linter() {
    let cases: [(Mode, u64, bool); 12] = [
        (Mode::Testing, 0, false),
        (Mode::Testing, 86_399, false),
        (Mode::Testing, 86_400, true),
        (Mode::Enforce, 86_400, false),
        (Mode::Enforce, 604_799, false),
        (Mode::Enforce, 604_800, true),
        (Mode::Enforce, 31_557_600, true),
        (Mode::Enforce, 31_557_601, false),
        (Mode::None, 0, false),
        (Mode::None, 1, true),
        (Mode::None, 31_557_600, true),
        (Mode::None, 31_557_601, false),
    ];
    for (mode, max_age, accepted) in cases {
        let mut i = input("example.com", mode, &["mx.example.com"]);
        i.max_age = max_age;
        match generate(&i) {
            Ok(g) => {
                assert!(accepted, "{mode:?} {max_age} should be refused");
                assert_clean(&lint_policy(g.policy.as_bytes(), None), "policy");
            }
            Err(e) => {
                assert!(!accepted, "{mode:?} {max_age} should be accepted: {e}");
                assert_eq!((e.field, e.value.clone()), (Field::MaxAge, max_age.to_string()));
                // And the linter agrees it is not clean.
                let nl = "\r\n";
                let p = format!(
                    "version: STSv1{nl}mode: {}{nl}mx: mx.example.com{nl}max_age: {max_age}{nl}",
                    mode.as_str()
                );
                let r = lint_policy(p.as_bytes(), None);
                assert!(
                    r.count(Severity::Error) + r.count(Severity::Warning) > 0,
                    "{mode:?} {max_age}: {:?}",
                    findings(&r)
                );
            }
        }
    }
}

#[test]
fn invalid_rua() {
    let cases = [
        ("", "it is empty"),
        ("reports", "give `mailto:"),
        ("http://reports.example.net/x", "use `https://`"),
        ("ftp://reports.example.net/x", "`ftp:` is not supported"),
        ("mailto:a@example.net,b@example.net", "percent-encoded as `%2C`"),
        ("mailto:a@example.net!10m", "percent-encoded as `%21`"),
        ("mailto:a..b@example.net", "not a valid mailto address"),
        ("https://reports/x", "single label"),
        ("https://192.0.2.1/x", "IP address"),
        ("https://[2001:db8::1]/x", "IP address literal"),
        ("https://example.net/a b", "space"),
    ];
    for (rua, words) in cases {
        let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
        i.rua = vec![rua.to_string()];
        assert_refused(&i, Field::Rua, rua, words);
    }
    let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
    let huge = format!("mailto:{}@example.net", "a".repeat(260));
    i.rua = vec![huge.clone()];
    assert_refused(&i, Field::Rua, &huge, "255-byte");
}

#[test]
fn invalid_policy_host_and_ttl() {
    let cases = [
        ("", "it is empty"),
        ("https://host.example.net/", "not a URL"),
        ("2001:db8::zz", "neither a valid IPv6"),
        ("192.0.2.300", "not a valid IPv4"),
        ("*.example.net", "wildcard"),
        ("pages", "fully qualified"),
        ("MTA-STS.example.com.", "to itself"),
        ("host_1.example.net", "`_` is not allowed"),
    ];
    for (host, words) in cases {
        let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
        i.policy_host = Some(host.to_string());
        assert_refused(&i, Field::PolicyHost, host, words);
    }
    let mut i = input("example.com", Mode::Testing, &["mx.example.com"]);
    i.ttl = u32::MAX;
    assert_refused(&i, Field::Ttl, &u32::MAX.to_string(), "RFC 2181");
}

#[test]
fn oversized_policy_is_refused() {
    let mx: Vec<String> = (0..2000)
        .map(|n| format!("mx{n}.some-long-mail-host-name.example.com"))
        .collect();
    let i = GenerateInput::new("example.com", Mode::Enforce, mx);
    let e = err(&i);
    assert_eq!(e.field, Field::Mx);
    assert!(e.reason.contains("65536"), "{e}");
}

#[test]
fn error_display() {
    let e = err(&input("example.com", Mode::Testing, &["mx*.example.com"]));
    assert_eq!(
        e.to_string(),
        "invalid mx `mx*.example.com`: `*` may only be the whole first label, as in `*.example.com` (RFC 8461 §4.1)"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().starts_with("invalid mx"));
}

// ---------------------------------------------------------------------------------------
// Property test: anything valid in, clean output out.

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,4})?"
}

fn tld() -> impl Strategy<Value = String> {
    "[a-z]{2,6}"
}

/// A name as a person might type it: some upper case, maybe a trailing dot, maybe a
/// U-label; with the normalized form expected in the policy.
#[derive(Clone, Debug)]
struct Name {
    typed: String,
    normal: String,
}

fn name(min_labels: usize) -> impl Strategy<Value = Name> {
    (
        prop::collection::vec(label(), min_labels..=min_labels + 2),
        tld(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["bücher", "münchen", "例え", "ελλάδα"])),
    )
        .prop_map(|(labels, tld, upper, dot, unicode)| {
            let mut parts = labels;
            if let Some(u) = unicode {
                parts.push(u.to_string());
            }
            parts.push(tld);
            let plain = parts.join(".");
            let normal = mtasts_core::mx::to_a_labels(&plain).expect("valid test name");
            let mut typed = if upper { plain.to_uppercase() } else { plain };
            if dot {
                typed.push('.');
            }
            Name { typed, normal }
        })
}

#[derive(Clone, Debug)]
struct Mx {
    typed: String,
    normal: String,
}

fn mx_entry() -> impl Strategy<Value = Mx> {
    // Wildcards get at least two labels below `*.`, so never a public suffix.
    (any::<bool>(), name(1)).prop_map(|(wild, n)| {
        if wild {
            Mx {
                typed: format!("*.{}", n.typed),
                normal: format!("*.{}", n.normal),
            }
        } else {
            Mx {
                typed: n.typed,
                normal: n.normal,
            }
        }
    })
}

#[derive(Clone, Debug)]
struct Rua {
    typed: String,
    normal: String,
}

fn rua_entry() -> impl Strategy<Value = Rua> {
    let local = "[a-z0-9]{1,8}(\\.[a-z0-9]{1,6})?(\\+[a-z0-9]{1,4})?";
    (0..3u8, local, name(1), "[a-z0-9/_-]{0,20}").prop_map(|(kind, local, host, path)| match kind {
        0 => Rua {
            typed: format!("mailto:{local}@{}", host.normal),
            normal: format!("mailto:{local}@{}", host.normal),
        },
        1 => Rua {
            typed: format!("{local}@{}", host.normal),
            normal: format!("mailto:{local}@{}", host.normal),
        },
        _ => {
            let uri = format!("https://{}/{path}", host.normal);
            Rua {
                typed: uri.clone(),
                normal: uri,
            }
        }
    })
}

fn mode() -> impl Strategy<Value = Mode> {
    prop::sample::select(vec![Mode::Testing, Mode::Enforce, Mode::None])
}

fn policy_host() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<[u8; 4]>().prop_map(|a| Some(std::net::Ipv4Addr::from(a).to_string())),
        any::<[u16; 8]>().prop_map(|a| Some(std::net::Ipv6Addr::from(a).to_string())),
        name(1).prop_map(|n| Some(n.typed)),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    input: GenerateInput,
    domain: String,
    mx: Vec<String>,
    rua: Vec<String>,
}

fn dedupe(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&i)) {
            out.push(i);
        }
    }
    out
}

fn case() -> impl Strategy<Value = Case> {
    (mode(), name(1), prop::collection::vec(mx_entry(), 1..=5), any::<bool>())
        .prop_flat_map(|(mode, domain, mx, keep_mx)| {
            let min = match mode {
                Mode::Testing => 86_400,
                Mode::Enforce => 604_800,
                Mode::None => 1,
            };
            // Mode none may also have no mx at all.
            let mx = if mode == Mode::None && !keep_mx { Vec::new() } else { mx };
            (
                Just((mode, domain, mx)),
                min..=31_557_600u64,
                prop::collection::vec(rua_entry(), 0..=3),
                any::<bool>(),
                any::<u64>(),
                policy_host(),
                0..=generate::MAX_TTL,
            )
        })
        .prop_filter(
            "the mail domain must not look like the policy host",
            |((_, d, _), ..)| !d.normal.starts_with("mta-sts."),
        )
        .prop_filter(
            "a CNAME cannot point at the policy host itself",
            |((_, d, _), .., host, _)| {
                host.as_deref()
                    .is_none_or(|h| !h.eq_ignore_ascii_case(&format!("mta-sts.{}", d.normal)))
            },
        )
        .prop_map(
            |((mode, domain, mx), max_age, rua, lf, issued_at, policy_host, ttl)| Case {
                input: GenerateInput {
                    domain: domain.typed.clone(),
                    mode,
                    mx: mx.iter().map(|m| m.typed.clone()).collect(),
                    max_age,
                    rua: rua.iter().map(|r| r.typed.clone()).collect(),
                    line_ending: if lf { LineEnding::Lf } else { LineEnding::Crlf },
                    issued_at,
                    policy_host,
                    ttl,
                },
                domain: domain.normal,
                mx: dedupe(mx.into_iter().map(|m| m.normal)),
                rua: dedupe(rua.into_iter().map(|r| r.normal)),
            },
        )
}

/// Another valid input whose policy differs.
fn changed(i: &GenerateInput) -> GenerateInput {
    let mut j = i.clone();
    j.max_age = if i.max_age < 31_557_600 {
        i.max_age + 1
    } else {
        i.max_age - 1
    };
    j
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_output_lints_clean_and_round_trips(c in case()) {
        let g = match generate(&c.input) {
            Ok(g) => g,
            Err(e) => return Err(TestCaseError::fail(format!("refused {:?}: {e}", c.input))),
        };
        prop_assert_eq!(&g.domain, &c.domain);

        // The policy: clean, and it parses back to the input.
        let r = lint_policy(g.policy.as_bytes(), None);
        assert_clean(&r, &g.policy);
        match r.parsed {
            Some(Parsed::Policy(p)) => {
                prop_assert_eq!(p.version, "STSv1");
                prop_assert_eq!(p.mode, c.input.mode);
                prop_assert_eq!(p.max_age, c.input.max_age);
                prop_assert_eq!(&p.mx, &c.mx);
            }
            other => return Err(TestCaseError::fail(format!("parsed {other:?}"))),
        }
        let nl = c.input.line_ending.as_str();
        prop_assert!(g.policy.ends_with(nl) && g.policy.starts_with("version: STSv1"));
        prop_assert_eq!(g.policy.matches(nl).count(), 3 + c.mx.len());

        // The id.
        prop_assert!(!g.id.is_empty() && g.id.len() <= 32 && g.id.bytes().all(|b| b.is_ascii_alphanumeric()), "{}", g.id);
        prop_assert_eq!(&g.id, &ok(&c.input).id);
        let other = ok(&changed(&c.input));
        prop_assert_ne!(&other.policy, &g.policy);
        prop_assert_ne!(&other.id, &g.id);

        // The `_mta-sts` record, raw and as a zone-file line.
        let sts = g.sts_record().expect("an _mta-sts record");
        prop_assert_eq!(&sts.value, &g.sts_txt);
        for src in [g.sts_txt.as_str(), presentation(&sts.zone_line)] {
            let r = lint(Kind::Sts, src.as_bytes());
            assert_clean(&r, src);
            prop_assert!(matches!(r.parsed, Some(Parsed::Sts(ref s)) if s.id == g.id));
        }

        // The `_smtp._tls` record.
        prop_assert_eq!(g.tlsrpt_txt.is_some(), !c.rua.is_empty());
        prop_assert_eq!(&g.rua, &c.rua);
        if let (Some(txt), Some(rec)) = (&g.tlsrpt_txt, g.tlsrpt_record()) {
            for src in [txt.as_str(), presentation(&rec.zone_line)] {
                let r = lint(Kind::Tlsrpt, src.as_bytes());
                assert_clean(&r, src);
                prop_assert!(matches!(r.parsed, Some(Parsed::Tlsrpt(ref t)) if t.rua == c.rua));
            }
        } else {
            prop_assert!(g.notes.iter().any(|n| n.starts_with("MODE-NO-TLSRPT")) == (c.input.mode != Mode::None));
        }

        // Records: TTL, owners, publication order.
        for rec in &g.records {
            prop_assert_eq!(rec.ttl, c.input.ttl);
            let suffix = format!("{}.", c.domain);
            prop_assert!(rec.owner.ends_with(&suffix), "{}", rec.owner);
            prop_assert!(g.zone.contains(&rec.zone_line));
        }
        prop_assert_eq!(g.records.last().map(|r| r.owner.clone()), Some(format!("_mta-sts.{}.", c.domain)));
        prop_assert_eq!(g.host.record().is_some(), c.input.policy_host.is_some());

        // The zone fragment as a whole: clean, except that a zone with MTA-STS and no
        // TLS-RPT record gets the warning the MODE-NO-TLSRPT note is about.
        let r = lint(Kind::Zone, g.zone.as_bytes());
        let allowed = |code: &str| c.rua.is_empty() && code == "TLSRPT-MISSING-WITH-STS";
        let bad: Vec<_> = r.diagnostics.iter().filter(|d| d.severity >= Severity::Warning && !allowed(d.rule.code)).collect();
        prop_assert!(bad.is_empty() && r.valid, "zone {:?}: {:?}", g.zone, findings(&r));

        // Hosting files carry the exact policy.
        assert_hosting_embeds_policy(&g);
    }
}
