//! A multiply-rotate hasher (rustc's FxHash) for the small keys the gazetteer looks up for
//! every name and namesake: two-letter country codes, byte offsets, pattern ids, short words.
//! SipHash cost more than the lookups' work there. The tables hashed are built from fixed
//! data or hold a text's own offsets, so crafted text cannot fill them with collisions.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A [`HashMap`] hashed by [`QuickHasher`].
pub(crate) type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;
/// A [`HashSet`] hashed by [`QuickHasher`].
pub(crate) type QuickSet<K> = HashSet<K, BuildHasherDefault<QuickHasher>>;

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct QuickHasher(u64);

impl QuickHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }
}

impl Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiplication mixes the high bits best; the table reads its buckets from the
        // low ones.
        self.0.rotate_left(26)
    }
}
