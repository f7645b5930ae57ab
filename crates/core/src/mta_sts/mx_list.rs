//! The `mx` values of a policy, kept in one buffer.

use serde::ser::{Serialize, SerializeSeq, Serializer};
use std::fmt;

/// A policy's `mx` values in order, as one string and the end of each value in it.
///
/// A large policy is thousands of `mx` lines; a `String` apiece made their allocation
/// and release a third of the time it takes to lint one. Serializes as a list of strings.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct MxList {
    text: String,
    ends: Vec<usize>,
}

impl MxList {
    pub fn new() -> MxList {
        MxList::default()
    }

    /// Room for `values` values of `bytes` bytes in all.
    pub fn with_capacity(values: usize, bytes: usize) -> MxList {
        MxList {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(values),
        }
    }

    pub fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        self.text.get(start..end)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { list: self, next: 0 }
    }

    pub fn contains(&self, value: &str) -> bool {
        self.iter().any(|v| v == value)
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

/// The values of an [`MxList`], in order.
#[derive(Clone)]
pub struct Iter<'a> {
    list: &'a MxList,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let value = self.list.get(self.next)?;
        self.next += 1;
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.list.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a MxList {
    type Item = &'a str;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for MxList {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> MxList {
        let mut list = MxList::new();
        list.extend(values);
        list
    }
}

impl<S: AsRef<str>> Extend<S> for MxList {
    fn extend<I: IntoIterator<Item = S>>(&mut self, values: I) {
        for v in values {
            self.push(v.as_ref());
        }
    }
}

impl From<Vec<String>> for MxList {
    fn from(values: Vec<String>) -> MxList {
        values.into_iter().collect()
    }
}

impl From<MxList> for Vec<String> {
    fn from(list: MxList) -> Vec<String> {
        list.to_vec()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for MxList {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>> PartialEq<&[S]> for MxList {
    fn eq(&self, other: &&[S]) -> bool {
        *self == **other
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for MxList {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for MxList {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl PartialEq<MxList> for Vec<String> {
    fn eq(&self, other: &MxList) -> bool {
        *other == self[..]
    }
}

impl fmt::Debug for MxList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for MxList {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self {
            seq.serialize_element(value)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_values_in_order_including_empty_ones() {
        let list: MxList = ["mx1.example.com", "", "*.example.net"].into_iter().collect();
        assert_eq!(list.len(), 3);
        assert_eq!(list.get(0), Some("mx1.example.com"));
        assert_eq!(list.get(1), Some(""));
        assert_eq!(list.get(2), Some("*.example.net"));
        assert_eq!(list.get(3), None);
        assert_eq!(list.iter().len(), 3);
        assert_eq!(list, ["mx1.example.com", "", "*.example.net"]);
        assert_ne!(list, ["mx1.example.com", "*.example.net"]);
        assert!(list.contains("*.example.net") && !list.contains("example.net"));
        assert_eq!(format!("{list:?}"), r#"["mx1.example.com", "", "*.example.net"]"#);
    }

    #[test]
    fn serializes_as_a_list_of_strings() {
        let list = MxList::from(vec!["a.example".to_string(), "*.b.example".to_string()]);
        let json = serde_json::to_string(&list).expect("serializes");
        assert_eq!(json, r#"["a.example","*.b.example"]"#);
        assert_eq!(serde_json::to_string(&MxList::new()).expect("serializes"), "[]");
    }
}
