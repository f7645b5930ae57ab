//! Base64 as the engine meets it: fetched bodies that are not UTF-8 (standard, padded) and
//! report attachments saved as text (either alphabet, padding optional, line breaks
//! anywhere). A thin layer over the `base64` crate.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// `bytes` as padded standard base64 (RFC 4648 §4).
pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decode standard base64; ASCII white space is skipped and padding is optional.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    decode_bytes(text.as_bytes())
}

/// Decode standard or URL-safe base64; ASCII white space is skipped and padding is
/// optional. `None` for anything else (a byte outside the alphabet, data after padding, a
/// dangling character).
pub fn decode_bytes(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    STANDARD.decode(&compact).or_else(|_| URL_SAFE.decode(&compact)).ok()
}

#[cfg(test)]
mod tests {
    use super::{decode, decode_bytes, encode};

    #[test]
    fn round_trip() {
        for s in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            b"\xef\xbb\xbf\xff\x00",
        ] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(decode("Zm8").as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode("Z"), None);
        assert_eq!(decode("Zm8=x"), None);
        assert_eq!(decode("Zm*8"), None);
        assert_eq!(decode_bytes(b"aGVs\nbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_bytes(b"-_-_").as_deref(), Some(&[0xfb, 0xff, 0xbf][..]));
    }
}
