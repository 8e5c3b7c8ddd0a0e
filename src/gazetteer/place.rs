//! The place record itself, shared by the data parser, the gazetteer image and the gazetteer
//! (a module of its own so `build.rs` can compile it with the parser and the image writer).

/// What a place is; ranks candidates sharing a name (a country outranks a village).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    City,
    Region,
    Country,
}

/// A place the gazetteer knows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Place {
    /// GeoNames id (regions: the GeoNames id Natural Earth records, else 0).
    pub geonameid: u32,
    /// Canonical GeoNames name ("Almaty", "Astana", "Aktobe", "Atyrau"); Natural Earth's for
    /// regions ("Mangghystau").
    pub name: String,
    pub kind: PlaceKind,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-1 alpha-2 code, e.g. "KZ".
    pub country_code: String,
    /// GeoNames admin-1 code, e.g. "02"; `None` for countries.
    pub admin1: Option<String>,
    /// Inhabitants (regions: the sum over the GeoNames places of 500+ inside them).
    pub population: u64,
}
