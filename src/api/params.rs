//! Query parameters: one table of every parameter ([`Param`]: name, schema, description), read
//! both by [`Params::parse`], which refuses a value outside its schema, and by the OpenAPI
//! document, so the two cannot disagree; then the filters read into an [`EventQuery`]. Every
//! refusal names the parameter and what it expects.

use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use jiff::civil::Date;
use regex::Regex;
use serde_json::{Value, json};

use super::ApiError;
use crate::index::{BBox, DateRange, EventQuery, PlaceFilter};
use crate::model::EventType;

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 10_000;
/// Offsets are held to this: it is past every event, so a larger offset selects the same page
/// (none), and adding a limit to it cannot overflow.
const MAX_OFFSET: u64 = u32::MAX as u64;
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// WGS 84 with its authority's axis order, latitude first.
pub const EPSG_4326: &str = "http://www.opengis.net/def/crs/EPSG/0/4326";

/// What values a query parameter takes. The OpenAPI document renders its schema from this and
/// [`Params::parse`] checks every value against it, so the two cannot disagree.
pub enum Kind {
    /// Exactly one of the values.
    OneOf(fn() -> Vec<&'static str>),
    /// Comma-separated values, each one of these; empty is no filter.
    ListOf(fn() -> Vec<&'static str>),
    /// A whole number, at least `min`; one too large to hold is read as the largest.
    Integer { min: u64, default: Option<u64> },
    /// `true` or `false`.
    Boolean,
    /// Any text, or text matching a pattern (written in the syntax JSON Schema, Python and the
    /// regex crate read alike), of at most `max_chars` characters.
    Text {
        pattern: Option<&'static LazyLock<Regex>>,
        max_chars: Option<usize>,
    },
    /// Comma-separated finite numbers, as many as one of the counts.
    Numbers(&'static [usize]),
}

/// One query parameter: its name, what it takes, and what it means.
pub struct Param {
    /// Its key among the document's parameters (`f` has one per set of formats).
    pub id: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

/// The parameters an endpoint takes, or a part of them.
pub type Set = &'static [&'static Param];

fn pattern(source: String) -> Regex {
    // The patterns are constants of this file, compiled in a test: this cannot fail at run time.
    Regex::new(&source).unwrap_or_else(|e| panic!("bad parameter pattern {source}: {e}"))
}

/// A calendar date, every day of every month valid (29 February in leap years only), so a date
/// the pattern admits is one the server reads.
fn date_pattern() -> String {
    let month_day = "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31";
    let leap = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00";
    format!("(?:[0-9]{{4}}-(?:{month_day})|(?:{leap})-02-29)")
}

/// `datetime`: a date, an RFC 3339 instant (GDAL's `2022-01-05T` is a date), or an interval
/// `a/b` whose ends are either or `..`/nothing for an open end.
static DATETIME_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    let time = "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";
    let instant = format!("{}(?:{time}|T)?", date_pattern());
    let end = format!("(?:{instant}|\\.\\.)?");
    // Empty too: a text filter left blank is no filter.
    pattern(format!("^(?:{instant}|{end}/{end})?$"))
});

static COUNTRY_CODE_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| pattern("^(?:[A-Za-z]{2})?$".into()));

/// Control characters (Unicode Cc, what `char::is_control` finds) are refused in metadata.
const CONTROL: &str = "\\x00-\\x1f\\x7f-\\x9f";

static TITLE_PATTERN: LazyLock<Regex> = LazyLock::new(|| pattern(format!("^[^{CONTROL}]*$")));

/// An http(s) URL without spaces, or a name: text without `://`.
static SOURCE_URL_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    let url = format!("[Hh][Tt][Tt][Pp][Ss]?://[^\\s{CONTROL}]*");
    // No `://` without look-ahead: after a colon, `/` may follow only once before another
    // character than `:` or `/`.
    let c = format!("[^:{CONTROL}]");
    let after = format!("[^:/{CONTROL}]");
    let name = format!("(?:{c}|:(?:/?:)*/?{after})*(?::(?:/?:)*/?)?");
    pattern(format!("^(?:{url}|{name})$"))
});

/// Property names, comma-separated.
static PROPERTIES_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| pattern("^[A-Za-z0-9_, ]*$".to_string()));
/// Sort keys: names with an optional + or -, comma-separated.
static SORTBY_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    pattern("^ *(?:[+-]?[A-Za-z0-9_]+ *(?:, *[+-]?[A-Za-z0-9_]+ *)*)?$".to_string())
});
static PUBLISHED_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| pattern(format!("^{}$", date_pattern())));

fn event_type_names() -> Vec<&'static str> {
    EventType::ALL
        .into_iter()
        .flat_map(|t| [t.label(), t.slug()])
        .collect()
}

fn sub_event_type_names() -> Vec<&'static str> {
    EventType::ALL
        .into_iter()
        .flat_map(|t| t.sub_event_types().iter().copied())
        .collect()
}

pub static F_JSON: Param = Param {
    id: "f",
    name: "f",
    kind: Kind::OneOf(|| vec!["json"]),
    description: "The format: JSON only",
};
pub static F_LANDING: Param = Param {
    id: "fLanding",
    name: "f",
    kind: Kind::OneOf(|| vec!["json", "html"]),
    description: "The format: the landing page as JSON, or the map as HTML",
};
pub static F_META: Param = Param {
    id: "fMeta",
    name: "f",
    kind: Kind::OneOf(|| vec!["json", "html"]),
    description: "The format: JSON, or HTML to read in a browser",
};
pub static F_FEATURE: Param = Param {
    id: "fFeature",
    name: "f",
    kind: Kind::OneOf(|| vec!["geojson", "json", "html"]),
    description: "The format of the feature",
};
pub static F_ITEMS: Param = Param {
    id: "fItems",
    name: "f",
    kind: Kind::OneOf(|| vec!["geojson", "json", "csv", "html"]),
    description: "The format of the features: GeoJSON, JSON, CSV (ACLED's columns), or an HTML table",
};
pub static F_TILESET: Param = Param {
    id: "fTileset",
    name: "f",
    kind: Kind::OneOf(|| vec!["json", "tilejson"]),
    description: "The tileset as OGC JSON, or as TileJSON 3.0 (for MapLibre), whose tile URL keeps the request's filters",
};
pub static LIMIT: Param = Param {
    id: "limit",
    name: "limit",
    kind: Kind::Integer {
        min: 1,
        default: Some(DEFAULT_LIMIT),
    },
    description: "Features per page, at most 10000: a larger limit is served as 10000, which OGC API - Features requires instead of an error",
};
pub static OFFSET: Param = Param {
    id: "offset",
    name: "offset",
    kind: Kind::Integer {
        min: 0,
        default: Some(0),
    },
    description: "Matching features to skip",
};
pub static REVISION: Param = Param {
    id: "revision",
    name: "revision",
    kind: Kind::Integer {
        min: 1,
        default: None,
    },
    description: "The data revision the page is read from, as the links of a page give it, so that a walk over next links sees one snapshot while writes go on; one no longer kept is a 409, one never served a 404. Without it: the current data",
};
pub static DOWNLOAD: Param = Param {
    id: "download",
    name: "download",
    kind: Kind::Boolean,
    description: "Return every matching feature as an attachment (GeoJSON, JSON or CSV; an HTML page stays a page)",
};
pub static DATETIME: Param = Param {
    id: "datetime",
    name: "datetime",
    kind: Kind::Text {
        pattern: Some(&DATETIME_PATTERN),
        max_chars: None,
    },
    description: "a date, an RFC 3339 instant, or an interval a/b with .. or nothing for an open end; an interval that starts after it ends is refused (400)",
};
pub static BBOX: Param = Param {
    id: "bbox",
    name: "bbox",
    kind: Kind::Numbers(&[4, 6]),
    description: "minx,miny,maxx,maxy (or minx,miny,minz,maxx,maxy,maxz) in CRS84: longitudes from -180 to 180, latitudes from -90 to 90, miny not above maxy, else refused (400); minx above maxx crosses the antimeridian",
};
pub static BBOX_CRS: Param = Param {
    id: "bbox-crs",
    name: "bbox-crs",
    kind: Kind::OneOf(|| {
        vec![
            CRS84,
            "http://www.opengis.net/def/crs/OGC/0/CRS84",
            EPSG_4326,
        ]
    }),
    description: "The CRS of bbox: CRS84 (lon,lat, the default) or EPSG:4326 (lat,lon)",
};
pub static CRS: Param = Param {
    id: "crs",
    name: "crs",
    kind: Kind::OneOf(|| vec![CRS84, EPSG_4326]),
    description: "The CRS of the coordinates returned: CRS84 ([lon, lat], the default) or EPSG:4326 ([lat, lon]); GeoJSON and HTML only",
};
pub static PROPERTIES: Param = Param {
    id: "properties",
    name: "properties",
    kind: Kind::Text {
        pattern: Some(&PROPERTIES_PATTERN),
        max_chars: Some(2000),
    },
    description: "The properties to return, comma-separated (see the layer's schema); GeoJSON and HTML only",
};
pub static SKIP_GEOMETRY: Param = Param {
    id: "skipGeometry",
    name: "skipGeometry",
    kind: Kind::Boolean,
    description: "Return features without their geometry (null)",
};
pub static SORTBY: Param = Param {
    id: "sortby",
    name: "sortby",
    kind: Kind::Text {
        pattern: Some(&SORTBY_PATTERN),
        max_chars: Some(500),
    },
    description: "Sort keys, comma-separated, each a sortable property with + (ascending, the default) or - (descending): event_date, id, event_type, sub_event_type, place, country_code, fatalities, injuries, arrests (places: place, country_code, events, fatalities, injuries, arrests, first_date, last_date); nulls last",
};
pub static PLACE: Param = Param {
    id: "place",
    name: "place",
    kind: Kind::Text {
        pattern: None,
        max_chars: None,
    },
    description: "Canonical place name, a spelling the gazetteer knows, or a GeoNames id; comma-separated for several",
};
pub static EVENT_TYPE: Param = Param {
    id: "event_type",
    name: "event_type",
    kind: Kind::ListOf(event_type_names),
    description: "ACLED event types (label or layer id), comma-separated",
};
pub static SUB_EVENT_TYPE: Param = Param {
    id: "sub_event_type",
    name: "sub_event_type",
    kind: Kind::OneOf(sub_event_type_names),
    description: "ACLED sub-event type",
};
pub static COUNTRY_CODE: Param = Param {
    id: "country_code",
    name: "country_code",
    kind: Kind::Text {
        pattern: Some(&COUNTRY_CODE_PATTERN),
        max_chars: None,
    },
    description: "an ISO 3166-1 alpha-2 country code, in either case",
};
pub static MIN_FATALITIES: Param = Param {
    id: "min_fatalities",
    name: "min_fatalities",
    kind: Kind::Integer {
        min: 0,
        default: None,
    },
    description: "Keep events with at least this many fatalities",
};
pub static FILTER: Param = Param {
    id: "filter",
    name: "filter",
    kind: Kind::Text {
        pattern: None,
        // Well within the 64 KiB a request target may take, however its characters encode.
        max_chars: Some(4000),
    },
    description: "A CQL2 filter of at most 4000 characters on the queryables (see /collections/{id}/queryables), in the language filter-lang names: comparisons, AND/OR/NOT, LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS and the other spatial functions on geometry, T_INTERSECTS, T_BEFORE, T_AFTER and the other temporal functions on event_date. A filter that cannot be read, or names what is not a queryable, is refused (400) with the position of the error",
};
pub static FILTER_LANG: Param = Param {
    id: "filter-lang",
    name: "filter-lang",
    kind: Kind::OneOf(|| vec!["cql2-text", "cql2-json"]),
    description: "The language of filter: cql2-text (the default) or cql2-json",
};
pub static FILTER_CRS: Param = Param {
    id: "filter-crs",
    name: "filter-crs",
    kind: Kind::OneOf(|| vec![CRS84, EPSG_4326]),
    description: "The CRS of the geometries in filter: CRS84 (lon lat, the default) or EPSG:4326 (lat lon)",
};
pub static TITLE: Param = Param {
    id: "title",
    name: "title",
    kind: Kind::Text {
        pattern: Some(&TITLE_PATTERN),
        max_chars: Some(crate::store::MAX_TITLE_CHARS),
    },
    description: "a title of at most 500 characters, without control characters",
};
pub static SOURCE_URL: Param = Param {
    id: "source_url",
    name: "source_url",
    kind: Kind::Text {
        pattern: Some(&SOURCE_URL_PATTERN),
        max_chars: Some(crate::store::MAX_URL_CHARS),
    },
    description: "an http(s) URL without spaces, or a name (no ://), of at most 2048 characters, without control characters",
};
pub static PUBLISHED: Param = Param {
    id: "published",
    name: "published",
    kind: Kind::Text {
        pattern: Some(&PUBLISHED_PATTERN),
        max_chars: None,
    },
    description: "a publication date YYYY-MM-DD, from 1900-01-01 to tomorrow (a later or earlier one is refused, 400)",
};
pub static LANG: Param = Param {
    id: "lang",
    name: "lang",
    kind: Kind::OneOf(|| vec!["fr", "en", "auto"]),
    description: "The article's language, or auto to detect it",
};

/// The filters of every items-like endpoint.
pub static FILTERS: Set = &[
    &DATETIME,
    &BBOX,
    &BBOX_CRS,
    &PLACE,
    &EVENT_TYPE,
    &SUB_EVENT_TYPE,
    &COUNTRY_CODE,
    &MIN_FATALITIES,
    &FILTER,
    &FILTER_LANG,
    &FILTER_CRS,
];
/// What the features of an items endpoint look like, and their order.
pub static SHAPE: Set = &[&PROPERTIES, &SKIP_GEOMETRY, &CRS, &SORTBY];
/// What one feature looks like.
pub static ITEM_SHAPE: Set = &[&PROPERTIES, &SKIP_GEOMETRY, &CRS];
/// Paging and format of an items endpoint, besides the filters.
pub static PAGE: Set = &[&F_ITEMS, &LIMIT, &OFFSET, &DOWNLOAD, &REVISION];
pub static JSON_ONLY: Set = &[&F_JSON];
pub static LANDING: Set = &[&F_LANDING];
/// A tileset's formats.
pub static TILESET: Set = &[&F_TILESET];
/// A metadata resource with an HTML view.
pub static META: Set = &[&F_META];
pub static FEATURE: Set = &[&F_FEATURE];
/// The metadata of an article, as query parameters.
pub static ARTICLE: Set = &[&TITLE, &SOURCE_URL, &PUBLISHED, &LANG];
/// Every parameter, once each: the document's `components/parameters`.
pub static ALL: &[Set] = &[
    JSON_ONLY, LANDING, META, FEATURE, PAGE, FILTERS, SHAPE, TILESET, ARTICLE,
];

/// A whole number of ASCII digits; one too large for `u64` is `u64::MAX`.
fn integer(s: &str) -> Option<u64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().unwrap_or(u64::MAX))
}

/// `a, b or c`.
fn alternatives(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl Param {
    /// Refuses a value outside the parameter's schema, saying what it takes.
    pub(super) fn check(&self, value: &str) -> Result<(), ApiError> {
        let (ok, expects) = match &self.kind {
            Kind::OneOf(values) => {
                let values = values();
                let one_of = if values.len() > 2 { "one of " } else { "" };
                (
                    values.contains(&value),
                    format!("{one_of}{}", alternatives(&values)),
                )
            }
            Kind::ListOf(values) => {
                let values = values();
                let ok = value.is_empty() || value.split(',').all(|v| values.contains(&v));
                (
                    ok,
                    format!("a comma-separated list of {}", alternatives(&values)),
                )
            }
            Kind::Integer { min, .. } => (
                integer(value).is_some_and(|n| n >= *min),
                format!("an integer of at least {min}"),
            ),
            Kind::Boolean => (matches!(value, "true" | "false"), "true or false".into()),
            Kind::Text { pattern, max_chars } => (
                pattern.is_none_or(|p| p.is_match(value))
                    && max_chars.is_none_or(|m| value.chars().count() <= m),
                self.description.to_string(),
            ),
            Kind::Numbers(counts) => {
                let numbers: Option<Vec<f64>> =
                    value.split(',').map(|n| n.parse::<f64>().ok()).collect();
                let ok = numbers.is_some_and(|ns| {
                    counts.contains(&ns.len()) && ns.iter().all(|n| n.is_finite())
                });
                let counts: Vec<String> = counts.iter().map(usize::to_string).collect();
                let counts: Vec<&str> = counts.iter().map(String::as_str).collect();
                (
                    ok,
                    format!(
                        "{} numbers, comma-separated: {}",
                        alternatives(&counts),
                        self.description
                    ),
                )
            }
        };
        if ok {
            Ok(())
        } else {
            let shown: String = value.chars().take(100).collect();
            Err(ApiError::invalid(format!(
                "{} must be {expects}; got {shown:?}",
                self.name
            )))
        }
    }

    /// The JSON Schema of one value.
    pub fn schema(&self) -> Value {
        match &self.kind {
            Kind::OneOf(values) => json!({ "type": "string", "enum": values() }),
            Kind::ListOf(values) => {
                json!({ "type": "array", "items": { "type": "string", "enum": values() } })
            }
            Kind::Integer { min, default } => {
                let mut s = json!({ "type": "integer", "minimum": min });
                if let Some(d) = default {
                    s["default"] = json!(d);
                }
                s
            }
            Kind::Boolean => json!({ "type": "boolean" }),
            Kind::Text { pattern, max_chars } => {
                let mut s = json!({ "type": "string" });
                if let Some(p) = pattern {
                    s["pattern"] = json!(p.as_str());
                }
                if let Some(m) = max_chars {
                    s["maxLength"] = json!(m);
                }
                s
            }
            // As OGC API - Features writes it: 4 or 6 items, never 5.
            Kind::Numbers(counts) => json!({
                "type": "array",
                "oneOf": counts.iter().map(|n| json!({ "minItems": n, "maxItems": n })).collect::<Vec<_>>(),
                "items": { "type": "number" },
            }),
        }
    }

    /// The OpenAPI parameter object.
    pub fn openapi(&self) -> Value {
        let mut p = json!({
            "name": self.name,
            "in": "query",
            "required": false,
            "description": self.description,
            "schema": self.schema(),
        });
        if matches!(self.kind, Kind::ListOf(_) | Kind::Numbers(_)) {
            p["style"] = json!("form");
            p["explode"] = json!(false);
        }
        p
    }
}

/// A request's query string as name/value pairs, checked against the parameters an endpoint
/// takes.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses `raw`, refusing names outside `allowed`, names given twice, and values outside
    /// their parameter's schema.
    pub fn parse(raw: Option<&str>, allowed: &[Set]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::invalid(format!("the query string is malformed: {e}")))?;
        let params = allowed.iter().flat_map(|set| set.iter());
        for (i, (name, value)) in pairs.iter().enumerate() {
            let Some(param) = params.clone().find(|p| p.name == name) else {
                let mut names: Vec<&str> = params.clone().map(|p| p.name).collect();
                names.sort_unstable();
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {name:?}; this endpoint accepts: {}",
                    names.join(", ")
                )));
            };
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::invalid(format!(
                    "query parameter {name:?} is given twice"
                )));
            }
            param.check(value)?;
        }
        Ok(Params { pairs })
    }

    /// The value of `name`. An empty value its schema admits (a text filter, as HTML forms send
    /// every field whether filled or not) counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Parameters of a resource served only as JSON: `f` alone, and only `f=json`.
    pub fn json_only(raw: Option<&str>) -> Result<Params, ApiError> {
        Params::parse(raw, &[JSON_ONLY])
    }

    /// The pairs, to rebuild links that keep the request's filters.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The page size; larger pages are capped, as OGC API - Features requires, not refused.
    pub fn limit(&self) -> usize {
        let n = self.get("limit").and_then(integer).unwrap_or(DEFAULT_LIMIT);
        n.min(MAX_LIMIT) as usize
    }

    pub fn offset(&self) -> usize {
        let n = self.get("offset").and_then(integer).unwrap_or(0);
        n.min(MAX_OFFSET) as usize
    }

    /// The data revision a page belongs to (`revision`, put in paging links), if given.
    pub fn revision(&self) -> Option<u64> {
        self.get("revision").and_then(integer)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.get(name) == Some("true")
    }

    /// The filters of an items, timeline or download request.
    pub fn event_query(&self) -> Result<EventQuery, ApiError> {
        let types = match self.get("event_type") {
            None => None,
            Some(list) => Some(
                list.split(',')
                    .map(|t| t.parse::<EventType>().map_err(ApiError::invalid))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let query = EventQuery {
            dates: self
                .get("datetime")
                .map(parse_datetime)
                .transpose()?
                .unwrap_or_default(),
            bbox: self
                .get("bbox")
                .map(|b| match self.get("bbox-crs") {
                    Some(EPSG_4326) => parse_bbox_lat_lon(b),
                    _ => parse_bbox(b),
                })
                .transpose()?,
            types,
            sub_event_type: self.get("sub_event_type").map(str::to_string),
            place: self.get("place").and_then(parse_place),
            country_code: self.get("country_code").map(str::to_ascii_uppercase),
            // No event has more than u32::MAX fatalities: a larger minimum selects the same.
            min_fatalities: self
                .get("min_fatalities")
                .and_then(integer)
                .map(|n| n.min(u64::from(u32::MAX)) as u32),
            filter: None,
        };
        match self.get("filter") {
            None => Ok(query),
            Some(text) => query
                .with_filter(&self.cql2(text)?)
                .map_err(|e| ApiError::invalid(format!("filter: {e}"))),
        }
    }

    /// `filter` read in its language and CRS.
    fn cql2(&self, text: &str) -> Result<crate::cql2::Expr, ApiError> {
        let mut expr = match self.get("filter-lang") {
            Some("cql2-json") => crate::cql2::parse_json(text),
            _ => crate::cql2::parse_text(text),
        }
        .map_err(|e| ApiError::invalid(format!("filter: {e}")))?;
        if self.get("filter-crs") == Some(EPSG_4326) {
            expr.swap_axes();
        }
        Ok(expr)
    }
}

/// `place=Almaty,Alma-Ata,1526384`: names are matched as canonical names and, through the
/// gazetteer, as any spelling it knows; numbers are GeoNames ids. A list that names nothing
/// (`,` or blanks) is no filter, like an empty value.
fn parse_place(list: &str) -> Option<PlaceFilter> {
    let gazetteer = crate::gazetteer::Gazetteer::embedded();
    let mut filter = PlaceFilter::default();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if let Ok(id) = item.parse::<u32>() {
            filter.geonameids.push(id);
        } else {
            filter.names.push(item.to_lowercase());
            if let Some(place) = gazetteer.resolve(item) {
                filter.geonameids.push(place.geonameid);
            }
        }
    }
    (!filter.names.is_empty() || !filter.geonameids.is_empty()).then_some(filter)
}

/// OGC `datetime`: a date, an RFC 3339 instant, or an interval `a/b` with `..` (or nothing) for
/// an open end. Events are dated to the day, so an instant selects its (UTC) day.
pub fn parse_datetime(s: &str) -> Result<DateRange, ApiError> {
    DATETIME.check(s)?;
    match s.split_once('/') {
        None => {
            let d = parse_instant(s)?.ok_or_else(|| {
                ApiError::invalid("datetime must be a date, an instant or an interval a/b")
            })?;
            Ok(DateRange {
                start: Some(d),
                end: Some(d),
            })
        }
        Some((a, b)) => {
            let range = DateRange {
                start: parse_instant(a)?,
                end: parse_instant(b)?,
            };
            if let (Some(a), Some(b)) = (range.start, range.end)
                && a > b
            {
                return Err(ApiError::invalid(format!(
                    "datetime interval starts after it ends: {a} > {b}"
                )));
            }
            Ok(range)
        }
    }
}

/// The UTC day of one end of an interval the datetime pattern matched; `None` for an open end.
fn parse_instant(s: &str) -> Result<Option<Date>, ApiError> {
    if s.is_empty() || s == ".." {
        return Ok(None);
    }
    let unreadable = || ApiError::invalid(format!("datetime: cannot read {s:?}"));
    let (day, time) = s.split_at_checked(10).ok_or_else(unreadable)?;
    let day: Date = day.parse().map_err(|_| unreadable())?;
    // A bare date, or GDAL's `2022-01-05T`.
    if time.len() <= 1 {
        return Ok(Some(day));
    }
    // `THH:MM:SS[.f](Z|±HH:MM)`: offsets are whole minutes, so the minutes alone tell whether
    // the UTC day is the day before or after. Computed by hand, not with a timestamp, so the
    // last day of year 9999 minus an offset still reads (as the last day there is).
    let minutes = |hm: &str| -> Option<i64> {
        let (h, m) = hm.split_once(':')?;
        Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
    };
    let local = time.get(1..6).and_then(minutes).ok_or_else(unreadable)?;
    let offset = match time.strip_suffix('Z') {
        Some(_) => 0,
        None => {
            let (sign, hm) = time
                .get(time.len() - 6..)
                .ok_or_else(unreadable)?
                .split_at(1);
            let m = minutes(hm).ok_or_else(unreadable)?;
            if sign == "-" { -m } else { m }
        }
    };
    Ok(Some(match (local - offset).div_euclid(24 * 60) {
        1 => day.tomorrow().unwrap_or(Date::MAX),
        -1 => day.yesterday().unwrap_or(Date::MIN),
        _ => day,
    }))
}

/// OGC `bbox`: `minx,miny,maxx,maxy` or, with heights, `minx,miny,minz,maxx,maxy,maxz` in CRS84.
pub fn parse_bbox(s: &str) -> Result<BBox, ApiError> {
    BBOX.check(s)?;
    let numbers: Vec<f64> = s.split(',').filter_map(|n| n.parse().ok()).collect();
    let [min_lon, min_lat, max_lon, max_lat] = match *numbers.as_slice() {
        [a, b, c, d] => [a, b, c, d],
        [a, b, _, d, e, _] => [a, b, d, e],
        _ => return Err(ApiError::invalid("bbox must be 4 or 6 numbers")),
    };
    if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
        return Err(ApiError::invalid(
            "bbox longitudes must be between -180 and 180",
        ));
    }
    if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
        return Err(ApiError::invalid(
            "bbox latitudes must be between -90 and 90",
        ));
    }
    if min_lat > max_lat {
        return Err(ApiError::invalid("bbox miny must not be greater than maxy"));
    }
    Ok(BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    })
}

/// `bbox` in EPSG:4326's axis order: `minlat,minlon,maxlat,maxlon` (heights as in CRS84).
pub fn parse_bbox_lat_lon(s: &str) -> Result<BBox, ApiError> {
    BBOX.check(s)?;
    let mut numbers: Vec<&str> = s.split(',').collect();
    let half = numbers.len() / 2;
    numbers.swap(0, 1);
    numbers.swap(half, half + 1);
    parse_bbox(&numbers.join(","))
}

/// What a response is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Json,
    Csv,
    Html,
}

impl Format {
    /// From `f`, else from `Accept`, else `default`.
    pub fn negotiate(
        params: &Params,
        headers: &HeaderMap,
        default: Format,
    ) -> Result<Format, ApiError> {
        if let Some(f) = params.get("f") {
            return match f {
                "geojson" => Ok(Format::GeoJson),
                "json" => Ok(Format::Json),
                "csv" => Ok(Format::Csv),
                "html" => Ok(Format::Html),
                other => Err(ApiError::invalid(format!(
                    "f must be one of json, geojson, csv, html; got {other:?}"
                ))),
            };
        }
        let accept = headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        Ok(if accept.contains("application/geo+json") {
            Format::GeoJson
        } else if accept.contains("text/csv") {
            Format::Csv
        } else if accept.contains("text/html") {
            Format::Html
        } else if accept.contains("application/json") {
            Format::Json
        } else {
            default
        })
    }
}

/// A stored row's id in a path (`/articles/{id}`, `/feeds/{id}`): a positive integer.
pub(super) fn positive_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| ApiError::invalid(format!("{what} id is a positive integer, got {raw:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn datetime_forms() {
        let day = |y, m, d| Some(date(y, m, d));
        assert_eq!(
            parse_datetime("2022-01-05").unwrap(),
            DateRange {
                start: day(2022, 1, 5),
                end: day(2022, 1, 5)
            }
        );
        assert_eq!(
            parse_datetime("2022-01-05T/2022-01-07T").unwrap(),
            DateRange {
                start: day(2022, 1, 5),
                end: day(2022, 1, 7)
            }
        );
        assert_eq!(
            parse_datetime("../2022-01-07T23:00:00Z").unwrap(),
            DateRange {
                start: None,
                end: day(2022, 1, 7)
            }
        );
        assert_eq!(
            parse_datetime("2022-01-06T10:00:00+06:00/").unwrap(),
            DateRange {
                start: day(2022, 1, 6),
                end: None
            }
        );
        assert!(parse_datetime("2022-13-01").is_err());
        assert!(parse_datetime("2022-01-07/2022-01-05").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    fn parse(query: &str, sets: &[Set]) -> Result<Params, ApiError> {
        Params::parse(Some(query), sets)
    }

    #[test]
    fn every_pattern_compiles_and_every_id_is_unique() {
        let mut ids: Vec<&str> = ALL.iter().flat_map(|s| s.iter()).map(|p| p.id).collect();
        for p in ALL.iter().flat_map(|s| s.iter()) {
            // Forces each lazy pattern; a bad one panics here, not on a request.
            let _ = p.schema();
        }
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    /// Values outside the schema are refused, though an empty `f` once counted as absent and a
    /// limit over the maximum was taken; text filters still take an empty value as absent.
    #[test]
    fn values_outside_their_schema_are_refused() {
        for (query, sets) in [
            ("f=", &[JSON_ONLY][..]),
            ("f=JSON", &[JSON_ONLY]),
            ("f=kml", &[PAGE]),
            ("f=html", &[JSON_ONLY]),
            ("limit=", &[PAGE]),
            ("limit=0", &[PAGE]),
            ("limit=+5", &[PAGE]),
            ("download=1", &[PAGE]),
            ("bbox=1,2,3,4,5", &[FILTERS]),
            ("bbox=", &[FILTERS]),
            ("bbox=1,2,inf,4", &[FILTERS]),
            ("bbox-crs=EPSG:4326", &[FILTERS]),
            ("country_code=KAZ", &[FILTERS]),
            ("sub_event_type=Picnic", &[FILTERS]),
            ("sub_event_type=", &[FILTERS]),
            ("event_type=protests,,riots", &[FILTERS]),
            ("datetime=2022-02-29", &[FILTERS]),
            ("datetime=2022-01-05T12:00:00", &[FILTERS]),
            ("lang=", &[ARTICLE]),
            ("source_url=ftp://x", &[ARTICLE]),
            ("title=a%0Ab", &[ARTICLE]),
            ("filter-lang=cql-text", &[FILTERS]),
            ("sortby=-fatalities;drop", &[SHAPE]),
            ("properties=a.b", &[SHAPE]),
        ] {
            let e = parse(query, sets).expect_err(query);
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST, "{query}");
        }
        let blank = parse("datetime=&place=&event_type=&country_code=", &[FILTERS]).unwrap();
        assert_eq!(blank.event_query().unwrap(), EventQuery::default());
    }

    /// What the schema admits is taken: a limit over the maximum (served as the maximum, as
    /// OGC API - Features requires), offsets and minimums too large for any event.
    #[test]
    fn values_inside_their_schema_are_taken() {
        let p = parse("limit=10001&offset=99999999999999999999999", &[PAGE]).unwrap();
        assert_eq!((p.limit(), p.offset()), (10_000, u32::MAX as usize));
        let q = parse(
            "min_fatalities=99999999999&country_code=kz&sub_event_type=Mob%20violence&place=,&bbox=1,2,3,4,5,6",
            &[FILTERS],
        )
        .unwrap()
        .event_query()
        .unwrap();
        assert_eq!(q.min_fatalities, Some(u32::MAX));
        assert_eq!(q.country_code.as_deref(), Some("KZ"));
        assert_eq!(q.sub_event_type.as_deref(), Some("Mob violence"));
        assert!(q.place.is_none());
        for ok in [
            "2024-02-29",
            "2022-01-05T",
            "9999-12-31T23:59:59-05:00",
            "0000-01-01T00:00:00.5+01:00",
            "../2022-01-05",
            "/",
        ] {
            assert!(parse_datetime(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_schema_says_what_the_check_takes() {
        assert_eq!(
            BBOX.schema()["oneOf"],
            json!([{ "minItems": 4, "maxItems": 4 }, { "minItems": 6, "maxItems": 6 }])
        );
        assert!(LIMIT.schema().get("maximum").is_none());
        let pattern = Regex::new(COUNTRY_CODE.schema()["pattern"].as_str().unwrap()).unwrap();
        assert!(pattern.is_match("kz") && !pattern.is_match("KAZ"));
        let names = SUB_EVENT_TYPE.schema()["enum"].clone();
        assert!(
            names
                .as_array()
                .unwrap()
                .contains(&json!("Peaceful protest"))
        );
    }

    #[test]
    fn bbox_forms() {
        let b = parse_bbox("70,40,80,50").unwrap();
        assert!(b.contains(76.9, 43.2));
        assert!(!b.contains(60.0, 43.2));
        assert_eq!(parse_bbox("70,40,0,80,50,10").unwrap(), b);
        let across = parse_bbox("170,-10,-170,10").unwrap();
        assert!(across.contains(175.0, 0.0) && across.contains(-175.0, 0.0));
        assert!(!across.contains(0.0, 0.0));
        for bad in ["1,2,3", "a,b,c,d", "0,60,10,50", "0,0,200,10", "NaN,0,1,1"] {
            assert!(parse_bbox(bad).is_err(), "{bad}");
        }
    }
}
