//! The record as it was read, kept compactly.
//!
//! Every finding and event keeps its original JSON so that the detail view and export can
//! show fields rampart does not model. Kept LZ4-compressed: at 100k findings the raw
//! records are most of the memory, and they are only decoded when someone looks.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct RawRecord(Box<[u8]>);

impl RawRecord {
    pub fn from_bytes(json: &[u8]) -> RawRecord {
        RawRecord(lz4_flex::compress_prepend_size(json).into_boxed_slice())
    }

    pub fn from_value(value: &serde_json::Value) -> RawRecord {
        // Serializing a Value cannot fail: its keys are strings.
        RawRecord::from_bytes(&serde_json::to_vec(value).unwrap_or_default())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bytes held in memory (compressed).
    pub fn stored_len(&self) -> usize {
        self.0.len()
    }

    /// The original bytes. An empty record decodes to nothing.
    pub fn bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        // We only ever decode what `from_bytes` encoded, so failure means memory corruption;
        // returning nothing keeps the console alive rather than panicking in the render path.
        lz4_flex::decompress_size_prepended(&self.0).unwrap_or_default()
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes()).unwrap_or(serde_json::Value::Null)
    }

    /// Indented JSON for the detail view.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

impl fmt::Debug for RawRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawRecord({} bytes compressed)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compresses() {
        let json = format!("{{\"Title\":\"{}\"}}", "a".repeat(2000));
        let raw = RawRecord::from_bytes(json.as_bytes());
        assert!(raw.stored_len() < json.len() / 4);
        assert_eq!(raw.bytes(), json.as_bytes());
        assert_eq!(raw.to_value()["Title"].as_str().unwrap().len(), 2000);
    }

    #[test]
    fn empty_is_null() {
        let raw = RawRecord::default();
        assert!(raw.is_empty());
        assert_eq!(raw.to_value(), serde_json::Value::Null);
    }
}
