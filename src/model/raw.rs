//! The record as it was read, kept compactly.
//!
//! Every finding and event keeps its original JSON so that the detail view and export can
//! show fields rampart does not model. Kept LZ4-compressed: at 100k findings the raw
//! records are most of the memory, and they are only decoded when someone looks.
//!
//! Records are small and alike, so they are compressed against a shared dictionary of
//! the key names and common values of ASFF and CloudTrail (`raw_dictionary.json`, written
//! by hand, its match table built once: `util::lz4_dict`): about half the size of
//! compressing each record alone. The compressed form
//! lives in memory, or (at scale, see [`RawRecord::spill_to`]) in an unlinked 0600 spill
//! file in the cache directory that vanishes with the process; anything rampart writes to
//! disk for people is the decoded JSON.

use crate::util::lz4_dict::{Dictionary, Scratch};
use crate::util::spill::{Block, Spill};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::{LazyLock, OnceLock};

/// Shared history for the compressor (LZ4 looks back at most 64 KiB).
const DICTIONARY: &[u8] = include_bytes!("raw_dictionary.json");

/// A record's compressed bytes, in memory or in the spill file.
pub struct RawRecord(Repr);

enum Repr {
    Heap(Box<[u8]>),
    Spilled(Block),
}

impl Default for RawRecord {
    fn default() -> Self {
        RawRecord(Repr::Heap(Box::default()))
    }
}

/// The process's spill file, once [`RawRecord::spill_to`] made one.
static SPILL: OnceLock<Spill> = OnceLock::new();

impl RawRecord {
    /// From now on, records are kept in a spill file in `dir` (the cache directory)
    /// rather than on the heap. Records made before stay where they are; if the file
    /// cannot be made, records stay in memory and the error says why.
    pub fn spill_to(dir: &Path) -> std::io::Result<()> {
        if SPILL.get().is_some() {
            return Ok(());
        }
        let spill = Spill::create(dir)?;
        let _ = SPILL.set(spill);
        Ok(())
    }

    /// Bytes in use in the spill file and its length, when there is one.
    pub fn spill_usage() -> Option<(u64, u64)> {
        SPILL.get().map(Spill::usage)
    }

    pub fn from_bytes(json: &[u8]) -> RawRecord {
        static DICT: LazyLock<Dictionary> = LazyLock::new(|| Dictionary::new(DICTIONARY));
        thread_local! {
            // Reused between records: the compressed bytes and the compressor's buffers.
            static SCRATCH: std::cell::RefCell<(Vec<u8>, Scratch)> = Default::default();
        }
        SCRATCH.with_borrow_mut(|(out, scratch)| {
            out.clear();
            out.extend_from_slice(&(json.len() as u32).to_le_bytes());
            DICT.compress(json, out, scratch);
            RawRecord::keep(out)
        })
    }

    /// Compressed bytes to the spill file when there is one (memory when a write fails).
    fn keep(compressed: &[u8]) -> RawRecord {
        if let Some(block) = SPILL.get().and_then(|s| s.put(compressed).ok()) {
            return RawRecord(Repr::Spilled(block));
        }
        RawRecord(Repr::Heap(compressed.into()))
    }

    pub fn from_value(value: &serde_json::Value) -> RawRecord {
        thread_local! {
            // Reused: a fresh Vec grew by doubling, five or six copies per record.
            static JSON: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        JSON.with_borrow_mut(|json| {
            json.clear();
            // Serializing a Value cannot fail: its keys are strings.
            let _ = serde_json::to_writer(&mut *json, value);
            let raw = RawRecord::from_bytes(json);
            if json.capacity() > 1 << 20 {
                *json = Vec::new();
            }
            raw
        })
    }

    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Heap(b) => b.is_empty(),
            Repr::Spilled(b) => b.len == 0,
        }
    }

    /// Bytes held in memory (compressed); a spilled record holds none.
    pub fn stored_len(&self) -> usize {
        match &self.0 {
            Repr::Heap(b) => b.len(),
            Repr::Spilled(_) => 0,
        }
    }

    /// The compressed bytes, read back from the spill file if need be.
    fn compressed(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Heap(b) => Cow::Borrowed(b),
            // The file is ours, unlinked and open: a read fails only if the disk does,
            // and then the record reads as empty rather than stopping the console.
            Repr::Spilled(block) => Cow::Owned(
                SPILL
                    .get()
                    .and_then(|s| s.get(*block).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The original bytes. An empty record decodes to nothing.
    pub fn bytes(&self) -> Vec<u8> {
        let compressed = self.compressed();
        if compressed.is_empty() {
            return Vec::new();
        }
        // We only ever decode what `from_bytes` encoded, so failure means memory corruption;
        // returning nothing keeps the console alive rather than panicking in the render path.
        lz4_flex::block::decompress_size_prepended_with_dict(&compressed, DICTIONARY)
            .unwrap_or_default()
    }

    /// The record as a tree; a lone surrogate or a byte that is not UTF-8 reads as U+FFFD
    /// (the parsers accepted the record, so the detail and the rules must see it too).
    pub fn to_value(&self) -> serde_json::Value {
        self.decoded(|bytes| serde_json::from_slice(bytes))
    }

    /// The record read by `read`, again with lone surrogates and stray bytes made U+FFFD
    /// if it fails, else `Null`.
    fn decoded(
        &self,
        read: impl Fn(&[u8]) -> Result<serde_json::Value, serde_json::Error>,
    ) -> serde_json::Value {
        let bytes = self.bytes();
        read(&bytes)
            .or_else(|_| read(&crate::util::lossy_json::lossy(&bytes)))
            .unwrap_or(serde_json::Value::Null)
    }

    /// The record as a tree of its top-level keys that `keep` admits (a key given twice:
    /// the last, as [`RawRecord::to_value`] reads it); the others are read past, not
    /// built. Not an object: `Null`.
    pub fn to_value_keeping(&self, keep: &dyn Fn(&str) -> bool) -> serde_json::Value {
        self.decoded(|bytes| {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let kept = serde::Deserializer::deserialize_map(&mut de, Keeping(keep))?;
            de.end()?;
            Ok(kept)
        })
    }

    /// Indented JSON for the detail view.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

/// A record's top-level object, keeping the keys the function admits.
struct Keeping<'k>(&'k dyn Fn(&str) -> bool);

impl<'de> serde::de::Visitor<'de> for Keeping<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kept = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key()? {
            if (self.0)(&key) {
                kept.insert(key.into_owned(), map.next_value()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(serde_json::Value::Object(kept))
    }
}

/// A key, borrowed from the record unless it holds an escape.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(Text)
    }
}

impl Clone for RawRecord {
    fn clone(&self) -> Self {
        match &self.0 {
            Repr::Heap(b) => RawRecord(Repr::Heap(b.clone())),
            Repr::Spilled(_) => RawRecord::keep(&self.compressed()),
        }
    }
}

impl Drop for RawRecord {
    fn drop(&mut self) {
        if let (Repr::Spilled(block), Some(spill)) = (&self.0, SPILL.get()) {
            spill.free(*block);
        }
    }
}

impl PartialEq for RawRecord {
    fn eq(&self, other: &Self) -> bool {
        self.compressed() == other.compressed()
    }
}

impl Eq for RawRecord {}

impl fmt::Debug for RawRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Heap(b) => write!(f, "RawRecord({} bytes compressed)", b.len()),
            Repr::Spilled(b) => write!(f, "RawRecord({} bytes compressed, spilled)", b.len),
        }
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
