//! Reading and writing the flat little-endian layouts of the gazetteer image and its matcher:
//! numbers at byte offsets, and sorted arrays of (key, value) u32 pairs looked up by key.

pub(crate) fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

pub(crate) fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Appends (key, value) pairs, which must be sorted by key, for [`find_pair`].
pub(crate) fn put_pairs(out: &mut Vec<u8>, pairs: &[(u32, u32)]) {
    for (key, value) in pairs {
        out.extend(key.to_le_bytes());
        out.extend(value.to_le_bytes());
    }
}

/// The value of `key` in bytes written by [`put_pairs`].
pub(crate) fn find_pair(pairs: &[u8], key: u32) -> Option<u32> {
    let count = pairs.len() / 8;
    let (mut low, mut high) = (0, count);
    while low < high {
        let mid = (low + high) / 2;
        if u32_at(pairs, mid * 8) < key {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    (low < count && u32_at(pairs, low * 8) == key).then(|| u32_at(pairs, low * 8 + 4))
}
