//! Which addresses the fetch may connect to: public unicast only. A checker that fetches
//! any URL a visitor names is a server-side request forgery tool unless every address it
//! connects to is vetted, including IPv4 addresses hidden inside IPv6 ones.
//!
//! Ranges follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and
//! its updates); anything not globally reachable there is refused.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of special-purpose range an address is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeKind {
    Loopback,
    Private,
    UniqueLocal,
    LinkLocal,
    SiteLocal,
    SharedCgnat,
    Multicast,
    Documentation,
    Benchmarking,
    Reserved,
    Unspecified,
    Broadcast,
    ThisNetwork,
}

impl RangeKind {
    /// The adjective for messages: "a private address".
    pub fn describe(self) -> &'static str {
        match self {
            RangeKind::Loopback => "a loopback address",
            RangeKind::Private => "a private address",
            RangeKind::UniqueLocal => "a unique local (private) address",
            RangeKind::LinkLocal => "a link-local address",
            RangeKind::SiteLocal => "a site-local address",
            RangeKind::SharedCgnat => "a shared (carrier-grade NAT) address",
            RangeKind::Multicast => "a multicast address",
            RangeKind::Documentation => "a documentation address",
            RangeKind::Benchmarking => "a benchmarking address",
            RangeKind::Reserved => "a reserved address, not public unicast",
            RangeKind::Unspecified => "the unspecified address",
            RangeKind::Broadcast => "the broadcast address",
            RangeKind::ThisNetwork => "a \"this network\" address",
        }
    }
}

/// Why an address may not be contacted. Display names the address and the range:
/// `10.0.0.1 is a private address (10.0.0.0/8)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressRejection {
    /// The address itself is in a special-purpose range.
    InRange {
        address: IpAddr,
        kind: RangeKind,
        /// The range in CIDR notation, e.g. `10.0.0.0/8`.
        range: &'static str,
    },
    /// An IPv6 address that carries an IPv4 address (IPv4-mapped, IPv4-compatible,
    /// NAT64, 6to4, Teredo) whose IPv4 address is refused.
    Embedded {
        address: Ipv6Addr,
        /// How the IPv4 address is embedded, e.g. `IPv4-mapped (::ffff:0:0/96)`.
        form: &'static str,
        inner: Box<AddressRejection>,
    },
}

impl AddressRejection {
    /// The address that was refused (the outer one, for embedded forms).
    pub fn address(&self) -> IpAddr {
        match self {
            AddressRejection::InRange { address, .. } => *address,
            AddressRejection::Embedded { address, .. } => IpAddr::V6(*address),
        }
    }

    /// The kind of range that decided (the embedded address's, for embedded forms).
    pub fn kind(&self) -> RangeKind {
        match self {
            AddressRejection::InRange { kind, .. } => *kind,
            AddressRejection::Embedded { inner, .. } => inner.kind(),
        }
    }
}

impl AddressRejection {
    /// `a private address (10.0.0.0/8)`: the deciding range, without the address.
    fn range_text(&self) -> String {
        match self {
            AddressRejection::InRange { kind, range, .. } => format!("{} ({range})", kind.describe()),
            AddressRejection::Embedded { inner, .. } => inner.range_text(),
        }
    }
}

impl fmt::Display for AddressRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressRejection::InRange { address, kind, range } => {
                write!(f, "{address} is {} ({range})", kind.describe())
            }
            AddressRejection::Embedded { address, form, inner } => {
                write!(
                    f,
                    "{address} is {form} and embeds {}, {}",
                    inner.address(),
                    inner.range_text()
                )
            }
        }
    }
}

impl std::error::Error for AddressRejection {}

/// Whether the fetch may connect to `ip`: `Ok` for public unicast addresses (and
/// loopback when `allow_loopback`, for the test bed), else which range it is in.
pub fn vet_address(ip: IpAddr, allow_loopback: bool) -> Result<(), AddressRejection> {
    let verdict = match ip {
        IpAddr::V4(v4) => vet_v4(v4),
        IpAddr::V6(v6) => vet_v6(v6),
    };
    match verdict {
        Err(rejection) if allow_loopback && rejection.kind() == RangeKind::Loopback => Ok(()),
        other => other,
    }
}

/// `(network, prefix length, kind, CIDR text)`, most specific first where they nest.
const V4_RANGES: &[([u8; 4], u8, RangeKind, &str)] = &[
    ([255, 255, 255, 255], 32, RangeKind::Broadcast, "255.255.255.255/32"),
    ([0, 0, 0, 0], 32, RangeKind::Unspecified, "0.0.0.0/32"),
    ([0, 0, 0, 0], 8, RangeKind::ThisNetwork, "0.0.0.0/8"),
    ([10, 0, 0, 0], 8, RangeKind::Private, "10.0.0.0/8"),
    ([100, 64, 0, 0], 10, RangeKind::SharedCgnat, "100.64.0.0/10"),
    ([127, 0, 0, 0], 8, RangeKind::Loopback, "127.0.0.0/8"),
    ([169, 254, 0, 0], 16, RangeKind::LinkLocal, "169.254.0.0/16"),
    ([172, 16, 0, 0], 12, RangeKind::Private, "172.16.0.0/12"),
    ([192, 0, 0, 0], 24, RangeKind::Reserved, "192.0.0.0/24"),
    ([192, 0, 2, 0], 24, RangeKind::Documentation, "192.0.2.0/24"),
    ([192, 31, 196, 0], 24, RangeKind::Reserved, "192.31.196.0/24"),
    ([192, 52, 193, 0], 24, RangeKind::Reserved, "192.52.193.0/24"),
    ([192, 88, 99, 0], 24, RangeKind::Reserved, "192.88.99.0/24"),
    ([192, 168, 0, 0], 16, RangeKind::Private, "192.168.0.0/16"),
    ([192, 175, 48, 0], 24, RangeKind::Reserved, "192.175.48.0/24"),
    ([198, 18, 0, 0], 15, RangeKind::Benchmarking, "198.18.0.0/15"),
    ([198, 51, 100, 0], 24, RangeKind::Documentation, "198.51.100.0/24"),
    ([203, 0, 113, 0], 24, RangeKind::Documentation, "203.0.113.0/24"),
    ([224, 0, 0, 0], 4, RangeKind::Multicast, "224.0.0.0/4"),
    ([240, 0, 0, 0], 4, RangeKind::Reserved, "240.0.0.0/4"),
];

fn vet_v4(ip: Ipv4Addr) -> Result<(), AddressRejection> {
    let bits = u32::from(ip);
    for &(net, len, kind, range) in V4_RANGES {
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        if bits & mask == u32::from(Ipv4Addr::from(net)) {
            return Err(AddressRejection::InRange {
                address: IpAddr::V4(ip),
                kind,
                range,
            });
        }
    }
    Ok(())
}

/// IPv6 ranges with no embedded IPv4 address, most specific first where they nest.
const V6_RANGES: &[(u128, u8, RangeKind, &str)] = &[
    (0, 128, RangeKind::Unspecified, "::/128"),
    (1, 128, RangeKind::Loopback, "::1/128"),
    (0x0064_ff9b_0001 << 80, 48, RangeKind::Private, "64:ff9b:1::/48"),
    (0x0100 << 112, 64, RangeKind::Reserved, "100::/64"),
    (0x2001_0002 << 96, 48, RangeKind::Benchmarking, "2001:2::/48"),
    (0x2001_0010 << 96, 28, RangeKind::Reserved, "2001:10::/28"),
    (0x2001_0020 << 96, 28, RangeKind::Reserved, "2001:20::/28"),
    (0x2001_0db8 << 96, 32, RangeKind::Documentation, "2001:db8::/32"),
    (0x3fff << 112, 20, RangeKind::Documentation, "3fff::/20"),
    (0x5f00 << 112, 16, RangeKind::Reserved, "5f00::/16"),
    (0xfc00 << 112, 7, RangeKind::UniqueLocal, "fc00::/7"),
    (0xfe80 << 112, 10, RangeKind::LinkLocal, "fe80::/10"),
    (0xfec0 << 112, 10, RangeKind::SiteLocal, "fec0::/10"),
    (0xff00 << 112, 8, RangeKind::Multicast, "ff00::/8"),
];

fn in_v6(bits: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    bits & mask == net
}

fn vet_v6(ip: Ipv6Addr) -> Result<(), AddressRejection> {
    let bits = u128::from(ip);
    for &(net, len, kind, range) in V6_RANGES {
        if in_v6(bits, net, len) {
            return Err(AddressRejection::InRange {
                address: IpAddr::V6(ip),
                kind,
                range,
            });
        }
    }
    let embedded = |form: &'static str, v4: Ipv4Addr| {
        vet_v4(v4).map_err(|inner| AddressRejection::Embedded {
            address: ip,
            form,
            inner: Box::new(inner),
        })
    };
    let low32 = Ipv4Addr::from(bits as u32);
    if in_v6(bits, 0xffff << 32, 96) {
        return embedded("IPv4-mapped (::ffff:0:0/96)", low32);
    }
    if in_v6(bits, 0, 96) {
        return embedded("IPv4-compatible (::/96, deprecated)", low32);
    }
    if in_v6(bits, 0x0064_ff9b << 96, 96) {
        return embedded("NAT64 (64:ff9b::/96)", low32);
    }
    if in_v6(bits, 0x2002 << 112, 16) {
        return embedded("6to4 (2002::/16)", Ipv4Addr::from((bits >> 80) as u32));
    }
    if in_v6(bits, 0x2001_0000 << 96, 32) {
        // Teredo: the server's IPv4 address in bits 32..64, the client's in the low 32
        // bits, inverted. Both must be public.
        embedded("Teredo (2001::/32)", Ipv4Addr::from((bits >> 64) as u32))?;
        return embedded("Teredo (2001::/32)", Ipv4Addr::from(!(bits as u32)));
    }
    // Global unicast is 2000::/3; everything else is unassigned or special.
    if !in_v6(bits, 0x2000 << 112, 3) {
        return Err(AddressRejection::InRange {
            address: IpAddr::V6(ip),
            kind: RangeKind::Reserved,
            range: "outside 2000::/3",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(ip: &str) -> String {
        let parsed: IpAddr = ip.parse().unwrap();
        match vet_address(parsed, false) {
            Ok(()) => panic!("{ip} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    fn kind(ip: &str) -> RangeKind {
        vet_address(ip.parse().unwrap(), false).unwrap_err().kind()
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.215.14",
            "172.32.0.1",
            "100.128.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(vet_address(ip.parse().unwrap(), false), Ok(()), "{ip}");
        }
    }

    #[test]
    fn v4_ranges() {
        assert_eq!(rejected("10.0.0.1"), "10.0.0.1 is a private address (10.0.0.0/8)");
        assert_eq!(kind("172.16.0.1"), RangeKind::Private);
        assert_eq!(kind("172.31.255.255"), RangeKind::Private);
        assert_eq!(kind("192.168.1.1"), RangeKind::Private);
        assert_eq!(rejected("127.0.0.1"), "127.0.0.1 is a loopback address (127.0.0.0/8)");
        assert_eq!(kind("127.255.0.1"), RangeKind::Loopback);
        assert_eq!(kind("169.254.169.254"), RangeKind::LinkLocal);
        assert_eq!(kind("100.64.0.1"), RangeKind::SharedCgnat);
        assert_eq!(kind("100.127.255.255"), RangeKind::SharedCgnat);
        assert_eq!(kind("224.0.0.1"), RangeKind::Multicast);
        assert_eq!(kind("239.255.255.250"), RangeKind::Multicast);
        assert_eq!(kind("192.0.2.1"), RangeKind::Documentation);
        assert_eq!(kind("198.51.100.7"), RangeKind::Documentation);
        assert_eq!(kind("203.0.113.9"), RangeKind::Documentation);
        assert_eq!(kind("198.18.0.1"), RangeKind::Benchmarking);
        assert_eq!(kind("198.19.255.255"), RangeKind::Benchmarking);
        assert_eq!(kind("192.0.0.8"), RangeKind::Reserved);
        assert_eq!(kind("192.88.99.1"), RangeKind::Reserved);
        assert_eq!(kind("240.0.0.1"), RangeKind::Reserved);
        assert_eq!(kind("255.255.255.254"), RangeKind::Reserved);
        assert_eq!(kind("255.255.255.255"), RangeKind::Broadcast);
        assert_eq!(kind("0.0.0.0"), RangeKind::Unspecified);
        assert_eq!(kind("0.1.2.3"), RangeKind::ThisNetwork);
    }

    #[test]
    fn v6_ranges() {
        assert_eq!(rejected("::1"), "::1 is a loopback address (::1/128)");
        assert_eq!(kind("::"), RangeKind::Unspecified);
        assert_eq!(kind("fc00::1"), RangeKind::UniqueLocal);
        assert_eq!(kind("fd12:3456::1"), RangeKind::UniqueLocal);
        assert_eq!(kind("fe80::1"), RangeKind::LinkLocal);
        assert_eq!(kind("febf::1"), RangeKind::LinkLocal);
        assert_eq!(kind("fec0::1"), RangeKind::SiteLocal);
        assert_eq!(kind("ff02::1"), RangeKind::Multicast);
        assert_eq!(
            rejected("2001:db8::1"),
            "2001:db8::1 is a documentation address (2001:db8::/32)"
        );
        assert_eq!(kind("3fff::1"), RangeKind::Documentation);
        assert_eq!(kind("3fff:fff::1"), RangeKind::Documentation);
        assert_eq!(vet_address("3fff:1000::1".parse().unwrap(), false), Ok(()));
        assert_eq!(kind("2001:2::1"), RangeKind::Benchmarking);
        assert_eq!(kind("2001:10::1"), RangeKind::Reserved);
        assert_eq!(kind("100::1"), RangeKind::Reserved);
        assert_eq!(kind("64:ff9b:1::1"), RangeKind::Private);
        assert_eq!(kind("5f00::1"), RangeKind::Reserved);
        assert_eq!(kind("4000::1"), RangeKind::Reserved);
        assert_eq!(kind("::2:0:0:1"), RangeKind::Reserved);
    }

    #[test]
    fn embedded_v4_is_judged() {
        assert_eq!(
            rejected("::ffff:10.0.0.1"),
            "::ffff:10.0.0.1 is IPv4-mapped (::ffff:0:0/96) and embeds 10.0.0.1, a private address (10.0.0.0/8)"
        );
        assert_eq!(kind("::ffff:127.0.0.1"), RangeKind::Loopback);
        assert_eq!(kind("::ffff:169.254.169.254"), RangeKind::LinkLocal);
        assert_eq!(kind("::ffff:0.0.0.0"), RangeKind::Unspecified);
        assert_eq!(kind("::10.0.0.1"), RangeKind::Private);
        assert_eq!(kind("::127.0.0.1"), RangeKind::Loopback);
        assert_eq!(kind("64:ff9b::a9fe:a9fe"), RangeKind::LinkLocal);
        assert_eq!(kind("64:ff9b::7f00:1"), RangeKind::Loopback);
        assert_eq!(kind("2002:c0a8:101::1"), RangeKind::Private);
        assert_eq!(kind("2002:7f00:1::"), RangeKind::Loopback);
        // Teredo: server 65.54.227.120, client 192.168.1.1 (inverted: 3f57:fefe).
        assert_eq!(kind("2001:0:4136:e378:8000:63bf:3f57:fefe"), RangeKind::Private);
        // Teredo with a private server address.
        assert_eq!(kind("2001:0:a00:1:8000:63bf:f7f7:f7f7"), RangeKind::Private);
        assert_eq!(
            vet_address("2001:0:4136:e378:8000:63bf:f7f7:f7f7".parse().unwrap(), false),
            Ok(())
        );
    }

    #[test]
    fn loopback_only_when_allowed() {
        for ip in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(vet_address(ip.parse().unwrap(), true), Ok(()), "{ip}");
        }
        for ip in ["10.0.0.1", "fe80::1", "::ffff:192.168.0.1"] {
            assert!(vet_address(ip.parse().unwrap(), true).is_err(), "{ip}");
        }
    }
}
