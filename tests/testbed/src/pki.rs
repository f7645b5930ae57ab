//! The test CA and the leaf certificates nginx serves, generated fresh for each bed.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

/// A certificate and its private key, PEM.
pub(crate) struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

pub(crate) struct Ca {
    pub cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn rcgen_error(what: &str) -> impl Fn(rcgen::Error) -> String + '_ {
    move |e| format!("test CA: cannot make {what}: {e}")
}

impl Ca {
    pub fn new() -> Result<Ca, String> {
        let key = KeyPair::generate().map_err(rcgen_error("the CA key"))?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error("the CA"))?;
        params.distinguished_name.push(DnType::CommonName, "mtasts test bed CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        // Valid from before the oldest leaf (the expired one) until well after the tests.
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(365);
        let cert = params.self_signed(&key).map_err(rcgen_error("the CA certificate"))?;
        Ok(Ca {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// A server certificate for `names` (DNS SANs), valid from yesterday for 30 days.
    pub fn leaf(&self, names: &[String]) -> Result<Leaf, String> {
        let now = OffsetDateTime::now_utc();
        self.leaf_valid(names, now - Duration::days(1), now + Duration::days(30))
    }

    /// A server certificate for `names` that expired on 2021-01-01.
    pub fn expired_leaf(&self, names: &[String]) -> Result<Leaf, String> {
        self.leaf_valid(
            names,
            rcgen::date_time_ymd(2020, 1, 1),
            rcgen::date_time_ymd(2021, 1, 1),
        )
    }

    fn leaf_valid(
        &self,
        names: &[String],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Leaf, String> {
        let what = format!("a certificate for {}", names.first().map_or("", String::as_str));
        let key = KeyPair::generate().map_err(rcgen_error(&what))?;
        let mut params = CertificateParams::new(names.to_vec()).map_err(rcgen_error(&what))?;
        if let Some(first) = names.first() {
            params.distinguished_name.push(DnType::CommonName, first.as_str());
        }
        params.is_ca = IsCa::NoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.not_before = not_before;
        params.not_after = not_after;
        let cert = params.signed_by(&key, &self.issuer).map_err(rcgen_error(&what))?;
        Ok(Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }
}
