//! The gazetteer image: the places, their names and the name matcher in one flat little-endian
//! layout, read in place. `build.rs` writes the embedded gazetteer's from the shipped data into
//! the binary, so a program decompresses and parses no text at start, has its matcher ready,
//! and only brings into memory the pages it reads; `Gazetteer::from_gzip_tsv` writes one at run
//! time for other data, so every gazetteer is read the same way.
//!
//! | section | contents |
//! |---|---|
//! | header | 6 × u32: magic, place count, id count, name bytes, alternate name bytes, matcher bytes |
//! | places | [`PLACE_BYTES`] a place, in the data's order (place indexes are positions here) |
//! | ids | (GeoNames id u32, place index u32) pairs sorted by id, one an id |
//! | names | per place: its name, country code and admin-1 code, one after the other |
//! | alternate names | per place: its `\|`-separated alternate names (apart, so that reading the places at load touches none of their pages) |
//! | matcher | the name matcher (layout in `matcher`) |
//!
//! A place: geonameid u32, kind u8 (city, region, country), flags u8 (has admin-1, has capital),
//! name length u16, lat f64, lon f64, population u64, capital u32, names offset u32, country
//! length u8, admin-1 length u8, two unused bytes, alternate names offset u32 and length u32.

use std::collections::HashMap;
use std::ops::Range;

use super::data::{GazetteerError, Record};
use super::flat::{find_pair, put_pairs, u16_at, u32_at, u64_at};
use super::{Place, PlaceKind};

const MAGIC: u32 = u32::from_le_bytes(*b"EVGZ");
const HEADER_BYTES: usize = 6 * 4;
const PLACE_BYTES: usize = 52;

const HAS_ADMIN1: u8 = 1;
const HAS_CAPITAL: u8 = 2;

/// Where the sections of an image lie.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    count: usize,
    ids: Range<usize>,
    names: usize,
    alternates: usize,
    /// The matcher's bytes.
    pub(crate) matcher: Range<usize>,
}

impl Layout {
    /// Reads the header of `image` and checks that its sections fill it exactly.
    pub(crate) fn read(image: &[u8]) -> Result<Layout, GazetteerError> {
        let malformed = GazetteerError::Image("bad header");
        if image.len() < HEADER_BYTES || u32_at(image, 0) != MAGIC {
            return Err(malformed);
        }
        let [count, id_count, name_bytes, alternate_bytes, matcher_bytes] =
            [4, 8, 12, 16, 20].map(|at| u32_at(image, at) as usize);
        let ids = HEADER_BYTES + count * PLACE_BYTES;
        let names = ids + id_count * 8;
        let alternates = names + name_bytes;
        let matcher = alternates + alternate_bytes;
        if matcher + matcher_bytes != image.len() {
            return Err(malformed);
        }
        Ok(Layout {
            count,
            ids: ids..names,
            names,
            alternates,
            matcher: matcher..image.len(),
        })
    }

    /// How many places the image holds.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The index of the place with this GeoNames id.
    pub(crate) fn index_of(&self, image: &[u8], geonameid: u32) -> Option<usize> {
        find_pair(&image[self.ids.clone()], geonameid).map(|index| index as usize)
    }

    /// The place at `index`, and for a country its capital's GeoNames id.
    pub(crate) fn place(
        &self,
        image: &[u8],
        index: usize,
    ) -> Result<(Place, Option<u32>), GazetteerError> {
        let record = self.record(image, index);
        let kind = match record[4] {
            0 => PlaceKind::City,
            1 => PlaceKind::Region,
            2 => PlaceKind::Country,
            _ => return Err(GazetteerError::Image("bad place kind")),
        };
        let flags = record[5];
        let [name, country, admin1] = self.name_ranges(record);
        // The three are contiguous: one UTF-8 check for all (it is most of the reading).
        let bad = || GazetteerError::Image("bad place string");
        let all = image
            .get(name.start..admin1.end)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(bad)?;
        let base = name.start;
        let text = |range: Range<usize>| {
            all.get(range.start - base..range.end - base)
                .map(str::to_owned)
                .ok_or_else(bad)
        };
        let place = Place {
            geonameid: u32_at(record, 0),
            name: text(name)?,
            kind,
            lat: f64::from_bits(u64_at(record, 8)),
            lon: f64::from_bits(u64_at(record, 16)),
            country_code: text(country)?,
            admin1: (flags & HAS_ADMIN1 != 0)
                .then(|| text(admin1))
                .transpose()?,
            population: u64_at(record, 24),
        };
        let capital = (flags & HAS_CAPITAL != 0).then(|| u32_at(record, 32));
        Ok((place, capital))
    }

    /// The `|`-separated alternate names of the place at `index`, as the writer copied them
    /// from a `str` (left unchecked: most are compared as bytes).
    pub(crate) fn alternate_names<'i>(&self, image: &'i [u8], index: usize) -> &'i [u8] {
        let record = self.record(image, index);
        let start = self.alternates + u32_at(record, 44) as usize;
        let alternates = start..start + u32_at(record, 48) as usize;
        image.get(alternates).unwrap_or_default()
    }

    fn record<'i>(&self, image: &'i [u8], index: usize) -> &'i [u8] {
        let at = HEADER_BYTES + index * PLACE_BYTES;
        &image[at..at + PLACE_BYTES]
    }

    /// Byte ranges in the image of a place's name, country and admin-1 code.
    fn name_ranges(&self, record: &[u8]) -> [Range<usize>; 3] {
        let lens = [
            u16_at(record, 6) as usize,
            record[40] as usize,
            record[41] as usize,
        ];
        let mut at = self.names + u32_at(record, 36) as usize;
        lens.map(|len| {
            at += len;
            at - len..at
        })
    }
}

/// Writes the image of these places and the matcher built from them.
pub(crate) fn write(records: &[Record], matcher: &[u8]) -> Result<Vec<u8>, GazetteerError> {
    let too_large = |what| move |_| GazetteerError::TooLarge(what);
    let mut places = Vec::with_capacity(records.len() * PLACE_BYTES);
    let mut names = Vec::new();
    let mut alternates = Vec::new();
    for Record {
        place,
        alternate_names,
        capital,
    } in records
    {
        let admin1 = place.admin1.as_deref().unwrap_or_default();
        let name_len = u16::try_from(place.name.len()).map_err(too_large("place name"))?;
        let country_len =
            u8::try_from(place.country_code.len()).map_err(too_large("country code"))?;
        let admin1_len = u8::try_from(admin1.len()).map_err(too_large("admin-1 code"))?;
        let names_at = u32::try_from(names.len()).map_err(too_large("place names"))?;
        let alternates_at =
            u32::try_from(alternates.len()).map_err(too_large("alternate names"))?;
        let alternates_len =
            u32::try_from(alternate_names.len()).map_err(too_large("alternate names"))?;
        let kind: u8 = match place.kind {
            PlaceKind::City => 0,
            PlaceKind::Region => 1,
            PlaceKind::Country => 2,
        };
        let flags = if place.admin1.is_some() {
            HAS_ADMIN1
        } else {
            0
        } | if capital.is_some() { HAS_CAPITAL } else { 0 };
        places.extend(place.geonameid.to_le_bytes());
        places.extend([kind, flags]);
        places.extend(name_len.to_le_bytes());
        places.extend(place.lat.to_bits().to_le_bytes());
        places.extend(place.lon.to_bits().to_le_bytes());
        places.extend(place.population.to_le_bytes());
        places.extend(capital.unwrap_or_default().to_le_bytes());
        places.extend(names_at.to_le_bytes());
        places.extend([country_len, admin1_len, 0, 0]);
        places.extend(alternates_at.to_le_bytes());
        places.extend(alternates_len.to_le_bytes());
        for text in [&place.name, &place.country_code, admin1] {
            names.extend_from_slice(text.as_bytes());
        }
        alternates.extend_from_slice(alternate_names.as_bytes());
    }
    // A city keeps its id when a region carries the same one.
    let mut by_id = HashMap::new();
    for (index, Record { place, .. }) in records.iter().enumerate() {
        if place.geonameid != 0
            && (place.kind == PlaceKind::City || !by_id.contains_key(&place.geonameid))
        {
            let index = u32::try_from(index).map_err(too_large("place count"))?;
            by_id.insert(place.geonameid, index);
        }
    }
    let mut ids: Vec<(u32, u32)> = by_id.into_iter().collect();
    ids.sort_unstable();
    let mut image = Vec::with_capacity(
        HEADER_BYTES
            + places.len()
            + ids.len() * 8
            + names.len()
            + alternates.len()
            + matcher.len(),
    );
    image.extend(MAGIC.to_le_bytes());
    for (len, what) in [
        (records.len(), "place count"),
        (ids.len(), "GeoNames ids"),
        (names.len(), "place names"),
        (alternates.len(), "alternate names"),
        (matcher.len(), "name matcher"),
    ] {
        let len = u32::try_from(len).map_err(too_large(what))?;
        image.extend(len.to_le_bytes());
    }
    image.extend(places);
    put_pairs(&mut image, &ids);
    image.extend(names);
    image.extend(alternates);
    image.extend_from_slice(matcher);
    Ok(image)
}
