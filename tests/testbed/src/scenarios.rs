//! The scenarios: one subdomain of the test zone each, and what a correct checker concludes.
//!
//! [`SCENARIOS`] is the public table; [`deployment`] says how each one is set up (DNS
//! records, the policy host's addresses, the HTTPS answer, the certificate), and the zone
//! file and nginx configuration are generated from it.

/// The verdict a correct checker must reach for a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No MTA-STS at all: senders deliver as before.
    NotConfigured,
    /// A working policy in `testing` mode: failures are reported, mail still flows.
    Testing,
    /// A working policy in `enforce` mode (warnings allowed).
    EnforceWorking,
    /// MTA-STS is published but a sender cannot use it, or it would refuse mail.
    Broken,
}

/// One scenario: the subdomain `<label>.<zone>`.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    pub label: &'static str,
    pub description: &'static str,
    pub expect: Expect,
    /// Rule codes (from `mtasts_core::rules`) a correct checker reports for it; others may
    /// come too.
    pub codes: &'static [&'static str],
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        label: "enforce",
        description: "Everything right: enforce policy, MX covered, TLS-RPT with mailto",
        expect: Expect::EnforceWorking,
        codes: &[],
    },
    Scenario {
        label: "testing",
        description: "A working policy in testing mode",
        expect: Expect::Testing,
        codes: &["MODE-TESTING"],
    },
    Scenario {
        label: "norecord",
        description: "An MX and nothing else: no _mta-sts, no _smtp._tls, no policy host",
        expect: Expect::NotConfigured,
        codes: &["STS-TXT-NOT-FOUND"],
    },
    Scenario {
        label: "twosts",
        description: "Two `v=STSv1;` TXT records at _mta-sts (senders then see no policy)",
        expect: Expect::Broken,
        codes: &["STS-TXT-MULTIPLE"],
    },
    Scenario {
        label: "cname",
        description: "_mta-sts is a CNAME to _mta-sts.provider.<zone>, which holds the TXT",
        expect: Expect::EnforceWorking,
        codes: &["STS-TXT-CNAME"],
    },
    Scenario {
        label: "redirect",
        description: "The policy URL answers 301 to another path (senders must not follow)",
        expect: Expect::Broken,
        codes: &["FETCH-REDIRECT"],
    },
    Scenario {
        label: "notfound",
        description: "The policy URL answers 404",
        expect: Expect::Broken,
        codes: &["FETCH-NOT-FOUND"],
    },
    Scenario {
        label: "html",
        description: "The policy is served as text/html",
        expect: Expect::Broken,
        codes: &["FETCH-CONTENT-TYPE"],
    },
    Scenario {
        label: "bom",
        description: "The policy body starts with a UTF-8 byte order mark",
        expect: Expect::Broken,
        codes: &["POLICY-BOM"],
    },
    Scenario {
        label: "oversize",
        description: "The policy body is larger than 64 KiB",
        expect: Expect::Broken,
        codes: &["FETCH-SIZE"],
    },
    Scenario {
        label: "wrongname",
        description: "The policy host's certificate is for another name (mta-sts.elsewhere.<zone>)",
        expect: Expect::Broken,
        codes: &["FETCH-CERT-NAME-MISMATCH"],
    },
    Scenario {
        label: "expired",
        description: "The policy host's certificate expired (2021-01-01)",
        expect: Expect::Broken,
        codes: &["FETCH-CERT-EXPIRED"],
    },
    Scenario {
        label: "uncovered",
        description: "The only MX (mail.uncovered.<zone>) matches none of the policy's mx lines",
        expect: Expect::Broken,
        codes: &["MXC-MX-NOT-COVERED"],
    },
    Scenario {
        label: "v6only",
        description: "The policy host has only an AAAA record (::1)",
        expect: Expect::EnforceWorking,
        codes: &[],
    },
    Scenario {
        label: "notlsrpt",
        description: "A working enforce policy without a _smtp._tls record",
        expect: Expect::EnforceWorking,
        codes: &["TLSRPT-MISSING-WITH-STS"],
    },
    Scenario {
        label: "nostarttls",
        description: "An enforce policy, but the MX (mx.nostarttls.<zone>, 127.0.0.2) offers no STARTTLS",
        expect: Expect::Broken,
        codes: &["MXC-STARTTLS"],
    },
    Scenario {
        label: "mxbadcert",
        description: "An enforce policy, but the MX's certificate is for another name (mx.elsewhere.<zone>)",
        expect: Expect::Broken,
        codes: &["MXC-CERT"],
    },
];

/// The codes only a probe of the MX hosts (SMTP, STARTTLS, the certificate) can report.
const MX_PROBE_CODES: &[&str] = &["MXC-STARTTLS", "MXC-CERT", "MXC-PROBE-FAILED"];

impl Scenario {
    /// Its verdict needs a probe of its MX hosts: a checker that does not probe them sees
    /// a working deployment.
    pub fn needs_mx_probe(&self) -> bool {
        self.codes.iter().any(|c| MX_PROBE_CODES.contains(c))
    }
}

/// The name in the `wrongname` scenario's certificate.
pub(crate) const WRONG_NAME_LABEL: &str = "elsewhere";

/// The name in the `mxbadcert` scenario's MX certificate, relative to the zone.
pub(crate) const WRONG_MX_NAME: &str = "mx.elsewhere";

/// The MX host every bulk domain shares, relative to the zone.
pub(crate) const BULK_MX_LABEL: &str = "mx.bulk";

/// Which addresses `mta-sts.<domain>` has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PolicyHost {
    None,
    V4AndV6,
    V6Only,
}

/// What the HTTPS vhost answers at `/.well-known/mta-sts.txt`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Policy {
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// 301 to `/policy/mta-sts.txt`, where the policy is.
    Redirect {
        body: Vec<u8>,
    },
    NotFound,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cert {
    /// The shared leaf certificate whose SANs name every good policy host.
    Good,
    /// A valid certificate for `mta-sts.elsewhere.<zone>`.
    WrongName,
    /// The right name, expired.
    Expired,
}

/// How the bed's SMTP server answers at a scenario's MX hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MxServer {
    /// `A 127.0.0.1`: STARTTLS with a certificate from the test CA naming the MX host.
    Good,
    /// `A 127.0.0.2`: no STARTTLS.
    NoStartTls,
    /// `A 127.0.0.1`: STARTTLS with a valid certificate for `mx.elsewhere.<zone>` only.
    WrongCert,
}

impl MxServer {
    /// The MX host's address: the server offers STARTTLS on 127.0.0.1 only.
    pub(crate) fn address(self) -> &'static str {
        match self {
            MxServer::Good | MxServer::WrongCert => "127.0.0.1",
            MxServer::NoStartTls => "127.0.0.2",
        }
    }
}

/// How one scenario is set up.
pub(crate) struct Deployment {
    /// The MX hosts, relative to the zone (each gets the address of `mx_server`).
    pub mx: Vec<String>,
    /// TXT records at `_mta-sts.<domain>` (each one string).
    pub sts_txt: Vec<String>,
    /// A CNAME at `_mta-sts.<domain>` to `_mta-sts.<this>.<zone>`, which holds `sts_txt`.
    pub sts_cname_to: Option<&'static str>,
    pub tlsrpt: bool,
    pub policy_host: PolicyHost,
    pub answer: Option<Answer>,
    pub cert: Cert,
    pub mx_server: MxServer,
}

pub(crate) const STS_ID: &str = "20260101T000000";
pub(crate) const TLSRPT_TXT: &str = "v=TLSRPTv1; rua=mailto:tlsrpt@bed.test";

/// A good policy body (CRLF, `max_age: 604800`) for the given mode and mx patterns.
pub(crate) fn policy_body(mode: &str, mx: &[String]) -> String {
    let mut body = format!("version: STSv1\r\nmode: {mode}\r\n");
    for host in mx {
        body.push_str(&format!("mx: {host}\r\n"));
    }
    body.push_str("max_age: 604800\r\n");
    body
}

/// How the scenario `label` is set up in `zone`; `None` for an unknown label.
pub(crate) fn deployment(label: &str, zone: &str) -> Option<Deployment> {
    let domain = format!("{label}.{zone}");
    let mx_rel = format!("mx.{label}");
    let mx_fqdn = format!("mx.{domain}");
    let good = |mode: &str| Answer::Policy {
        content_type: "text/plain",
        body: policy_body(mode, std::slice::from_ref(&mx_fqdn)).into_bytes(),
    };
    let mut d = Deployment {
        mx: vec![mx_rel],
        sts_txt: vec![format!("v=STSv1; id={STS_ID};")],
        sts_cname_to: None,
        tlsrpt: true,
        policy_host: PolicyHost::V4AndV6,
        answer: Some(good("enforce")),
        cert: Cert::Good,
        mx_server: MxServer::Good,
    };
    match label {
        "enforce" => {}
        "testing" => d.answer = Some(good("testing")),
        "norecord" => {
            d.sts_txt.clear();
            d.tlsrpt = false;
            d.policy_host = PolicyHost::None;
            d.answer = None;
        }
        "twosts" => d.sts_txt.push("v=STSv1; id=20260102T000000;".to_string()),
        "cname" => d.sts_cname_to = Some("provider"),
        "redirect" => {
            d.answer = Some(Answer::Redirect {
                body: policy_body("enforce", &[mx_fqdn]).into_bytes(),
            })
        }
        "notfound" => d.answer = Some(Answer::NotFound),
        "html" => {
            d.answer = Some(Answer::Policy {
                content_type: "text/html",
                body: policy_body("enforce", &[mx_fqdn]).into_bytes(),
            })
        }
        "bom" => {
            let mut body = "\u{feff}".as_bytes().to_vec();
            body.extend_from_slice(policy_body("enforce", &[mx_fqdn]).as_bytes());
            d.answer = Some(Answer::Policy {
                content_type: "text/plain",
                body,
            });
        }
        "oversize" => {
            // A well-formed policy that is simply too long: thousands of mx lines.
            let mut mx = vec![mx_fqdn];
            let mut n = 0;
            while mx.iter().map(|m| m.len() + 6).sum::<usize>() < 70_000 {
                mx.push(format!("mx{n:05}.{domain}"));
                n += 1;
            }
            d.answer = Some(Answer::Policy {
                content_type: "text/plain",
                body: policy_body("enforce", &mx).into_bytes(),
            });
        }
        "wrongname" => d.cert = Cert::WrongName,
        "expired" => d.cert = Cert::Expired,
        // The policy still names mx.<domain>, but the domain's only MX is mail.<domain>.
        "uncovered" => d.mx = vec![format!("mail.{label}")],
        "v6only" => d.policy_host = PolicyHost::V6Only,
        "notlsrpt" => d.tlsrpt = false,
        "nostarttls" => d.mx_server = MxServer::NoStartTls,
        "mxbadcert" => d.mx_server = MxServer::WrongCert,
        _ => return None,
    }
    Some(d)
}

/// The bulk domains' labels: `bulk0000`, `bulk0001`, ...
pub(crate) fn bulk_labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("bulk{i:04}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_has_a_deployment_and_distinct_label() {
        let mut labels = std::collections::HashSet::new();
        for s in SCENARIOS {
            assert!(deployment(s.label, "bed.test").is_some(), "{}", s.label);
            assert!(labels.insert(s.label), "duplicate label {}", s.label);
        }
    }

    #[test]
    fn good_policy_uses_crlf_and_a_week() {
        let body = policy_body("enforce", &["mx.enforce.bed.test".to_string()]);
        assert_eq!(
            body,
            "version: STSv1\r\nmode: enforce\r\nmx: mx.enforce.bed.test\r\nmax_age: 604800\r\n"
        );
    }

    #[test]
    fn oversize_body_is_over_64_kib() {
        let d = deployment("oversize", "bed.test").unwrap();
        let Some(Answer::Policy { body, .. }) = d.answer else {
            panic!("no policy")
        };
        assert!(body.len() > 65_536, "{}", body.len());
    }

    /// The codes in the table exist in the engine's rule registry (by file content: the
    /// test bed does not depend on the engine).
    #[test]
    fn codes_exist_in_the_registry() {
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/src/rules");
        let mut all = String::new();
        let mut dirs = vec![rules];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    all.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        for s in SCENARIOS {
            for code in s.codes {
                assert!(
                    all.contains(&format!("\"{code}\"")),
                    "{}: unknown rule code {code}",
                    s.label
                );
            }
        }
    }
}
