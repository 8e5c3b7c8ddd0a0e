//! The name matcher: the table of every name key of the gazetteer's places, looked up at each
//! run of words of a text, and what each key leads to (its places, and for short keys the
//! exact spellings a text must use).
//!
//! The table is built once into flat little-endian bytes and read in place, never decoded:
//! `build.rs` builds the embedded gazetteer's into the binary's image, so a program starts with
//! its matcher ready, and `Gazetteer::from_gzip_tsv` builds one the same way for other data.
//! Layout, section after section (a table of 2^bits slots):
//!
//! | section | contents |
//! |---|---|
//! | header | 7 × u32: magic, bits, key bytes, candidate words, spellings, spelling bytes, total length |
//! | tags | a byte a slot: 0 empty, else 8 bits of the key's hash, so a lookup that misses (most words of a text do) reads little more than this array |
//! | entries | 12 bytes a slot: key offset u32, key length u16, flags u8, unused u8, candidates u32 |
//! | keys | the key bytes |
//! | candidates | per key with several places: u32 count, then the places' indexes (a key with one place keeps it in its entry) |
//! | spelling index | (slot u32, offset u32) pairs sorted by slot, for short keys |
//! | spellings | per short key: u32 count, then each spelling as u16 length and bytes |

use std::collections::HashMap;
use std::ops::Range;

use super::data::{GazetteerError, Record};
use super::flat::{find_pair, put_pairs, u16_at, u32_at};
use super::normalize;

/// Names whose key has this many letters or fewer ("Osh", "Ufa") only match when written
/// exactly as the data spells them: folded, they are too easily ordinary words.
const SHORT_NAME_LETTERS: usize = 3;

const MAGIC: u32 = u32::from_le_bytes(*b"EVMK");
const HEADER_BYTES: usize = 7 * 4;
const ENTRY_BYTES: usize = 12;

/// Entry flag: the key is a name key, a pattern (else it only begins longer ones).
const PATTERN: u8 = 1;
/// Entry flag: some longer key begins with this one and a space.
const CONTINUES: u8 = 2;
/// Entry flag: a short key, with exact spellings in the spelling index.
const SHORT: u8 = 4;
/// Entry flag: the key has one place, kept in the entry rather than in a candidate list.
const SINGLE: u8 = 8;

/// Where the sections of a matcher lie in the bytes that hold it (offsets from their start).
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    bits: u32,
    tags: usize,
    entries: usize,
    keys: usize,
    candidates: usize,
    spelling_index: Range<usize>,
    spellings: usize,
}

/// A matcher: its layout over the bytes that hold it.
#[derive(Clone, Copy)]
pub(crate) struct Matcher<'b> {
    bytes: &'b [u8],
    layout: &'b Layout,
}

/// What the matcher knows of a run of words.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    slot: u32,
    flags: u8,
}

/// A name key: the places carrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pattern {
    slot: u32,
    flags: u8,
}

/// The places sharing a name key, read in place from the image (no copy for each name of
/// each text): their indexes, little-endian `u32`s.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Namesakes<'b> {
    list: &'b [u8],
}

impl<'b> Namesakes<'b> {
    pub(crate) fn len(self) -> usize {
        self.list.len() / 4
    }

    /// The places' indexes, in the order they were found.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> + 'b {
        self.list
            .chunks_exact(4)
            .map(|index| u32_at(index, 0) as usize)
    }
}

impl Key {
    /// The pattern, when the run is a name key.
    pub(crate) fn pattern(self) -> Option<Pattern> {
        (self.flags & PATTERN != 0).then_some(Pattern {
            slot: self.slot,
            flags: self.flags,
        })
    }

    /// Some longer key begins with the run and a space.
    pub(crate) fn continues(self) -> bool {
        self.flags & CONTINUES != 0
    }
}

impl Pattern {
    /// An id unique in its matcher.
    pub(crate) fn id(self) -> u32 {
        self.slot
    }
}

/// The hash of the key table, looked up at every word of every text: a multiply-rotate hash
/// over 8-byte words (as in rustc's FxHash), several times faster than SipHash on short keys.
/// The table is fixed data, so crafted text cannot fill it with colliding entries.
fn hash(key: &[u8]) -> u64 {
    fn mix(hash: u64, bytes: &[u8]) -> u64 {
        let mut word = [0; 8];
        word[..bytes.len()].copy_from_slice(bytes);
        (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0xf135_7aea_2e62_a9c5)
    }
    let mut chunks = key.chunks_exact(8);
    let mut hash = chunks.by_ref().fold(key.len() as u64, mix);
    if !chunks.remainder().is_empty() {
        hash = mix(hash, chunks.remainder());
    }
    // The slot comes from the high bits, which the multiplication mixes best; the tag from the
    // low ones, folded with the middle ones so that they are mixed too.
    hash ^ (hash >> 32)
}

fn tag(hash: u64) -> u8 {
    (hash as u8).max(1)
}

impl Layout {
    /// Reads the header of the matcher in `bytes` (all of them) and checks that its sections
    /// fill them exactly.
    pub(crate) fn read(bytes: &[u8]) -> Result<Layout, GazetteerError> {
        let malformed = GazetteerError::Image("bad matcher header");
        if bytes.len() < HEADER_BYTES || u32_at(bytes, 0) != MAGIC {
            return Err(malformed);
        }
        let [
            bits,
            key_bytes,
            candidate_words,
            spellings,
            spelling_bytes,
            total,
        ] = [4, 8, 12, 16, 20, 24].map(|at| u32_at(bytes, at) as usize);
        if !(1..32).contains(&bits) || total != bytes.len() {
            return Err(malformed);
        }
        let slots = 1usize << bits;
        let tags = HEADER_BYTES;
        let entries = tags + slots;
        let keys = entries + slots * ENTRY_BYTES;
        let candidates = keys + key_bytes;
        let spelling_index = candidates + candidate_words * 4;
        let spellings_at = spelling_index + spellings * 8;
        if spellings_at + spelling_bytes != total {
            return Err(malformed);
        }
        Ok(Layout {
            bits: bits as u32,
            tags,
            entries,
            keys,
            candidates,
            spelling_index: spelling_index..spellings_at,
            spellings: spellings_at,
        })
    }
}

impl<'b> Matcher<'b> {
    /// The matcher in `bytes`, laid out as `layout` (read from the same bytes).
    pub(crate) fn new(bytes: &'b [u8], layout: &'b Layout) -> Matcher<'b> {
        Matcher { bytes, layout }
    }

    /// What the table holds for this run of words, if anything.
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> Option<Key> {
        let Layout {
            bits, tags, keys, ..
        } = *self.layout;
        let hash = hash(key);
        let tag = tag(hash);
        let mask = (1usize << bits) - 1;
        let mut slot = (hash >> (64 - bits)) as usize;
        loop {
            // The table always has empty slots: a probe ends at one.
            let found = self.bytes[tags + slot];
            if found == 0 {
                return None;
            }
            if found == tag {
                let entry = self.entry(slot);
                let start = keys + u32_at(entry, 0) as usize;
                let len = u16_at(entry, 4) as usize;
                if len == key.len() && self.bytes[start..start + len] == *key {
                    return Some(Key {
                        slot: slot as u32,
                        flags: entry[6],
                    });
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The pattern of a name key.
    pub(crate) fn pattern(&self, key: &str) -> Option<Pattern> {
        self.get(key.as_bytes()).and_then(Key::pattern)
    }

    /// The indexes of the places carrying the pattern's key, in the order they were found.
    pub(crate) fn candidates(&self, pattern: Pattern) -> impl Iterator<Item = usize> + 'b {
        self.namesakes(pattern).iter()
    }

    /// The places carrying the pattern's key, as the image lists them.
    pub(crate) fn namesakes(&self, pattern: Pattern) -> Namesakes<'b> {
        let entry = self.entry(pattern.slot as usize);
        let list = if pattern.flags & SINGLE != 0 {
            &entry[8..12]
        } else {
            let at = self.layout.candidates + u32_at(entry, 8) as usize * 4;
            let count = u32_at(self.bytes, at) as usize;
            &self.bytes[at + 4..at + 4 + count * 4]
        };
        Namesakes { list }
    }

    /// For a short key, the exact spellings a text must use; `None` for the others.
    pub(crate) fn exact_spellings(
        &self,
        pattern: Pattern,
    ) -> Option<impl Iterator<Item = &'b [u8]>> {
        if pattern.flags & SHORT == 0 {
            return None;
        }
        let index = &self.bytes[self.layout.spelling_index.clone()];
        let at = self.layout.spellings + find_pair(index, pattern.slot)? as usize;
        let bytes = self.bytes;
        let count = u32_at(bytes, at);
        let mut next = at + 4;
        Some((0..count).map(move |_| {
            let len = u16_at(bytes, next) as usize;
            let spelling = &bytes[next + 2..next + 2 + len];
            next += 2 + len;
            spelling
        }))
    }

    fn entry(&self, slot: usize) -> &'b [u8] {
        let at = self.layout.entries + slot * ENTRY_BYTES;
        &self.bytes[at..at + ENTRY_BYTES]
    }
}

/// A key while the table is built.
#[derive(Default)]
struct Draft {
    pattern: Option<usize>,
    continues: bool,
}

/// Builds the matcher of these places (names and alternate names, in place order) into bytes.
pub(crate) fn build(records: &[Record]) -> Result<Vec<u8>, GazetteerError> {
    let mut keys: HashMap<Box<[u8]>, Draft> = HashMap::new();
    let mut candidates: Vec<Vec<usize>> = Vec::new();
    let mut exact_spellings: HashMap<usize, Vec<String>> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let names = std::iter::once(record.place.name.as_str())
            .chain(record.alternate_names.split('|').filter(|n| !n.is_empty()));
        for name in names {
            let joined = normalize::joined_name_key(name);
            for key in std::iter::once(normalize::name_key(name)).chain(joined) {
                if key.is_empty() {
                    continue;
                }
                let short =
                    key.bytes().filter(u8::is_ascii_alphabetic).count() <= SHORT_NAME_LETTERS;
                let entry = keys.entry(key.as_bytes().into()).or_default();
                let pattern = *entry.pattern.get_or_insert_with(|| {
                    candidates.push(Vec::new());
                    candidates.len() - 1
                });
                if candidates[pattern].last() != Some(&index) {
                    candidates[pattern].push(index);
                }
                if short {
                    exact_spellings
                        .entry(pattern)
                        .or_default()
                        .push(name.to_owned());
                }
            }
        }
    }
    // A name written in two words finds the places whose names join them ("Kyzyl-Orda" is
    // the city GeoNames spells "Kyzylorda", not only the region that lists "Kyzyl-Orda").
    let spaced: Vec<(usize, usize)> = keys
        .iter()
        .filter(|(key, _)| key.contains(&b' '))
        .filter_map(|(key, entry)| {
            let joined: Vec<u8> = key.iter().copied().filter(|&b| b != b' ').collect();
            let other = keys.get(joined.as_slice())?.pattern?;
            Some((entry.pattern?, other))
        })
        .collect();
    for (pattern, other) in spaced {
        let extra: Vec<usize> = candidates[other]
            .iter()
            .copied()
            .filter(|i| !candidates[pattern].contains(i))
            .collect();
        candidates[pattern].extend(extra);
    }
    // The runs of words that begin longer keys, so lookups know when to go on.
    let starts: Vec<Box<[u8]>> = keys
        .keys()
        .flat_map(|key| {
            key.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b' ')
                .map(|(i, _)| key[..i].into())
        })
        .collect();
    for start in starts {
        keys.entry(start).or_default().continues = true;
    }
    encode(keys, &candidates, &exact_spellings)
}

/// Lays the built table out in bytes (see the module docs).
fn encode(
    keys: HashMap<Box<[u8]>, Draft>,
    candidates: &[Vec<usize>],
    exact_spellings: &HashMap<usize, Vec<String>>,
) -> Result<Vec<u8>, GazetteerError> {
    let too_large = || GazetteerError::TooLarge("name matcher");
    let small = |n: usize| u32::try_from(n).map_err(|_| too_large());
    // Sorted, so the same data always gives the same bytes.
    let mut keys: Vec<(Box<[u8]>, Draft)> = keys.into_iter().collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // At most 5/8 of the slots full keeps probes short.
    let mut bits = 4u32;
    while (1usize << bits) * 5 < keys.len() * 8 {
        bits += 1;
        if bits >= 32 {
            return Err(too_large());
        }
    }
    let slots = 1usize << bits;
    let mut tags = vec![0u8; slots];
    let mut entries = vec![0u8; slots * ENTRY_BYTES];
    let mut key_bytes = Vec::new();
    let mut candidate_words: Vec<u32> = Vec::new();
    let mut spelling_index: Vec<(u32, u32)> = Vec::new();
    let mut spelling_bytes = Vec::new();
    for (key, draft) in &keys {
        let hash = hash(key);
        let mut slot = (hash >> (64 - bits)) as usize;
        while tags[slot] != 0 {
            slot = (slot + 1) & (slots - 1);
        }
        tags[slot] = tag(hash);
        let mut flags = if draft.continues { CONTINUES } else { 0 };
        let mut places = 0;
        if let Some(pattern) = draft.pattern {
            flags |= PATTERN;
            match candidates[pattern][..] {
                [only] => {
                    flags |= SINGLE;
                    places = small(only)?;
                }
                ref several => {
                    places = small(candidate_words.len())?;
                    candidate_words.push(small(several.len())?);
                    for &index in several {
                        candidate_words.push(small(index)?);
                    }
                }
            }
            if let Some(spellings) = exact_spellings.get(&pattern) {
                flags |= SHORT;
                spelling_index.push((slot as u32, small(spelling_bytes.len())?));
                spelling_bytes.extend(small(spellings.len())?.to_le_bytes());
                for spelling in spellings {
                    let len = u16::try_from(spelling.len()).map_err(|_| too_large())?;
                    spelling_bytes.extend(len.to_le_bytes());
                    spelling_bytes.extend(spelling.as_bytes());
                }
            }
        }
        let entry = &mut entries[slot * ENTRY_BYTES..(slot + 1) * ENTRY_BYTES];
        entry[0..4].copy_from_slice(&small(key_bytes.len())?.to_le_bytes());
        let len = u16::try_from(key.len()).map_err(|_| too_large())?;
        entry[4..6].copy_from_slice(&len.to_le_bytes());
        entry[6] = flags;
        entry[8..12].copy_from_slice(&places.to_le_bytes());
        key_bytes.extend_from_slice(key);
    }
    spelling_index.sort_unstable();
    let total = HEADER_BYTES
        + tags.len()
        + entries.len()
        + key_bytes.len()
        + candidate_words.len() * 4
        + spelling_index.len() * 8
        + spelling_bytes.len();
    let mut bytes = Vec::with_capacity(total);
    for word in [
        MAGIC,
        bits,
        small(key_bytes.len())?,
        small(candidate_words.len())?,
        small(spelling_index.len())?,
        small(spelling_bytes.len())?,
        small(total)?,
    ] {
        bytes.extend(word.to_le_bytes());
    }
    bytes.extend(tags);
    bytes.extend(entries);
    bytes.extend(key_bytes);
    bytes.extend(candidate_words.iter().flat_map(|w| w.to_le_bytes()));
    put_pairs(&mut bytes, &spelling_index);
    bytes.extend(spelling_bytes);
    Ok(bytes)
}
