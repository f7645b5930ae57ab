//! Just enough DNS wire format to ask a readiness question and read the answer's header.

pub(crate) const TYPE_SOA: u16 = 6;

/// A query for `name` (no trailing dot needed) of type `qtype`, class IN, RD off.
pub(crate) fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = Vec::with_capacity(name.len() + 18);
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0, 0]); // flags: a plain query
    q.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // one question
    for label in name.trim_end_matches('.').split('.') {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&qtype.to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes());
    q
}

/// The number of answer records of the response to query `id`, or why it is not a
/// successful one.
pub(crate) fn answer_count(response: &[u8], id: u16) -> Result<u16, String> {
    if response.len() < 12 {
        return Err(format!("a {}-byte DNS response", response.len()));
    }
    if u16::from_be_bytes([response[0], response[1]]) != id || response[2] & 0x80 == 0 {
        return Err("not the response to our query".to_string());
    }
    let rcode = response[3] & 0x0f;
    if rcode != 0 {
        return Err(format!("DNS rcode {rcode}"));
    }
    Ok(u16::from_be_bytes([response[6], response[7]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_wire_format() {
        let q = query(0x1234, "bed.test.", TYPE_SOA);
        assert_eq!(
            q,
            b"\x12\x34\0\0\0\x01\0\0\0\0\0\0\x03bed\x04test\0\0\x06\0\x01".to_vec()
        );
    }

    #[test]
    fn answer_count_checks_id_and_rcode() {
        let mut r = query(7, "bed.test", TYPE_SOA);
        assert!(answer_count(&r, 7).is_err()); // QR not set
        r[2] |= 0x80;
        r[7] = 1;
        assert_eq!(answer_count(&r, 7), Ok(1));
        assert!(answer_count(&r, 8).is_err());
        r[3] = 5;
        assert_eq!(answer_count(&r, 7), Err("DNS rcode 5".to_string()));
    }
}
