//! The record as it was read, kept compactly.
//!
//! Every finding and event keeps its original JSON so that the detail view and export can
//! show fields rampart does not model. Kept LZ4-compressed: at 100k findings the raw
//! records are most of the memory, and they are only decoded when someone looks.
//!
//! Records are small and alike, so they are compressed against a shared dictionary of
//! the key names and common values of ASFF and CloudTrail (`raw_dictionary.json`, written
//! by hand): about half the size of compressing each record alone. The compressed form
//! lives only in memory; anything written to disk is the decoded JSON.

use std::fmt;

/// Shared history for the compressor (LZ4 looks back at most 64 KiB).
const DICTIONARY: &[u8] = include_bytes!("raw_dictionary.json");

#[derive(Clone, PartialEq, Eq, Default)]
pub struct RawRecord(Box<[u8]>);

impl RawRecord {
    pub fn from_bytes(json: &[u8]) -> RawRecord {
        thread_local! {
            // Reused between records: the library's own Vec path zeroes a worst-case buffer
            // per call and then shrinks it, which showed in profiles of a replay load.
            static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        SCRATCH.with_borrow_mut(|out| {
            let need = 4 + lz4_flex::block::get_maximum_output_size(json.len());
            if out.len() < need {
                out.resize(need, 0);
            }
            out[..4].copy_from_slice(&(json.len() as u32).to_le_bytes());
            match lz4_flex::block::compress_into_with_dict(json, &mut out[4..], DICTIONARY) {
                Ok(n) => RawRecord(out[..4 + n].into()),
                // Cannot happen with a worst-case sized buffer; fall back to the Vec path.
                Err(_) => RawRecord(
                    lz4_flex::block::compress_prepend_size_with_dict(json, DICTIONARY)
                        .into_boxed_slice(),
                ),
            }
        })
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
        lz4_flex::block::decompress_size_prepended_with_dict(&self.0, DICTIONARY)
            .unwrap_or_default()
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
    fn the_dictionary_shrinks_a_typical_record() {
        let event = br#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2026-11-22T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"userName":"bob"},"responseElements":null,"requestID":"0f3c","eventID":"5d2a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;
        let alone = lz4_flex::compress_prepend_size(event).len();
        let raw = RawRecord::from_bytes(event);
        assert_eq!(raw.bytes(), event.to_vec());
        assert!(
            raw.stored_len() * 10 < alone * 7,
            "{} bytes with the dictionary, {alone} without",
            raw.stored_len()
        );
    }

    #[test]
    fn empty_is_null() {
        let raw = RawRecord::default();
        assert!(raw.is_empty());
        assert_eq!(raw.to_value(), serde_json::Value::Null);
    }
}
