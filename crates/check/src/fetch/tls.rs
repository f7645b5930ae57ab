//! TLS for the fetch: a verifier that records its verdict and lets the handshake go on,
//! the leaf certificate summary, and TLS alert names.

use std::sync::{Arc, Mutex};

use mtasts_core::fetch::Certificate;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// What the verifier saw in one handshake.
#[derive(Clone, Debug, Default)]
pub(crate) struct Verdict {
    /// The leaf certificate, DER.
    pub leaf: Option<Vec<u8>>,
    pub valid_for_host: Option<bool>,
    pub chains_to_trusted_root: Option<bool>,
    /// The full verifier's error (chain, time or name), as rustls words it.
    pub error: Option<String>,
}

/// Verifies like a sender would (webpki against the trust store), records the verdict,
/// and accepts, so that one fetch yields the certificate facts and the HTTP response.
/// Handshake signatures are still checked: those are about the connection, not trust.
#[derive(Debug)]
pub(crate) struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
    verdict: Arc<Mutex<Verdict>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let full = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        let mut verdict = Verdict {
            leaf: Some(end_entity.to_vec()),
            error: full.as_ref().err().map(ToString::to_string),
            ..Verdict::default()
        };
        if let Ok(parsed) = ParsedCertificate::try_from(end_entity) {
            verdict.valid_for_host = Some(verify_server_name(&parsed, server_name).is_ok());
            // The chain is judged apart from the dates (FETCH-CERT-EXPIRED reads those
            // from `not_after`), so an expired certificate from a trusted CA still
            // "chains to a trusted root": verify it at a time inside its validity.
            let algs = self.provider.signature_verification_algorithms.all;
            let at = match &full {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::Expired | CertificateError::ExpiredContext { .. },
                )) => leaf_validity(end_entity).map(|(from, until)| from.max(until - 1)),
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
                )) => leaf_validity(end_entity).map(|(from, _)| from),
                _ => None,
            };
            let at = at
                .and_then(|secs| u64::try_from(secs).ok())
                .map(|secs| UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs)))
                .unwrap_or(now);
            verdict.chains_to_trusted_root =
                Some(verify_server_cert_signed_by_trust_anchor(&parsed, &self.roots, intermediates, at, algs).is_ok());
        }
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = verdict;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The leaf's validity period in Unix seconds.
fn leaf_validity(der: &[u8]) -> Option<(i64, i64)> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let v = cert.validity();
    Some((v.not_before.timestamp(), v.not_after.timestamp()))
}

/// The trust store: webpki-roots plus `extra_pem` (e.g. a test CA).
pub(crate) fn root_store(extra_pem: &[u8]) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if !extra_pem.is_empty() {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(extra_pem) {
            let cert = cert.map_err(|e| format!("extra CA certificates: not valid PEM: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("extra CA certificates: a certificate is not a usable root: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("extra CA certificates: no `BEGIN CERTIFICATE` block found".to_string());
        }
    }
    Ok(roots)
}

/// A client configuration for one handshake, with the verdict slot it fills.
pub(crate) fn client_config(roots: Arc<RootCertStore>) -> Result<(ClientConfig, Arc<Mutex<Verdict>>), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
        .build()
        .map_err(|e| format!("TLS verifier: {e}"))?;
    let verdict = Arc::new(Mutex::new(Verdict::default()));
    let verifier = RecordingVerifier {
        inner,
        roots,
        provider: provider.clone(),
        verdict: verdict.clone(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((config, verdict))
}

/// The evidence's certificate summary from a verdict.
pub(crate) fn certificate(verdict: &Verdict) -> Option<Certificate> {
    let der = verdict.leaf.as_deref()?;
    let mut out = Certificate {
        valid_for_host: verdict.valid_for_host,
        chains_to_trusted_root: verdict.chains_to_trusted_root,
        error: verdict.error.clone(),
        ..Certificate::default()
    };
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => {
            out.subject = Some(cert.subject().to_string());
            out.issuer = Some(cert.issuer().to_string());
            out.not_before = rfc3339(cert.validity().not_before.timestamp());
            out.not_after = rfc3339(cert.validity().not_after.timestamp());
            if let Ok(Some(san)) = cert.subject_alternative_name() {
                out.sans = san
                    .value
                    .general_names
                    .iter()
                    .filter_map(|name| match name {
                        x509_parser::extensions::GeneralName::DNSName(dns) => Some(dns.to_string()),
                        _ => None,
                    })
                    .collect();
            }
        }
        Err(e) => {
            let parse = format!("the certificate could not be parsed: {e}");
            out.error = Some(match out.error.take() {
                Some(err) => format!("{err}; {parse}"),
                None => parse,
            });
        }
    }
    Some(out)
}

/// Unix seconds as RFC 3339 (`2024-06-30T00:00:00Z`).
fn rfc3339(secs: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    at.format(&time::format_description::well_known::Rfc3339).ok()
}

/// A TLS alert by its RFC 8446 (and RFC 5246, RFC 7301) name.
pub(crate) fn alert_name(alert: AlertDescription) -> String {
    let code = u8::from(alert);
    let name = match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        121 => "encrypted_client_hello_required",
        _ => return format!("alert_{code}"),
    };
    name.to_string()
}

/// The TLS alert a failed handshake ended with: the one the server sent, or the one this
/// client would send for the error (e.g. `protocol_version` when no version is shared).
pub(crate) fn alert_of(error: &rustls::Error) -> Option<String> {
    match error {
        rustls::Error::AlertReceived(alert) => Some(alert_name(*alert)),
        rustls::Error::PeerIncompatible(rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13) => {
            Some("protocol_version".to_string())
        }
        rustls::Error::PeerIncompatible(_) => Some("handshake_failure".to_string()),
        _ => None,
    }
}

/// `TLSv1.3` / `TLSv1.2`, as the evidence spells versions.
pub(crate) fn version_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
        rustls::ProtocolVersion::TLSv1_1 => "TLSv1.1".to_string(),
        rustls::ProtocolVersion::TLSv1_0 => "TLSv1.0".to_string(),
        rustls::ProtocolVersion::SSLv3 => "SSLv3".to_string(),
        other => format!("{other:?}"),
    }
}
