//! Reading query parameters: the OGC `datetime`, `bbox`, `limit`, `offset`, `f`, and the
//! queryables, into an [`EventQuery`]. Every refusal names the parameter and what it expects.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use jiff::civil::Date;

use super::ApiError;
use crate::index::{BBox, DateRange, EventQuery, PlaceFilter};
use crate::model::EventType;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

/// Parameters every items-like endpoint takes.
pub const FILTER_PARAMS: &[&str] = &[
    "datetime",
    "bbox",
    "bbox-crs",
    "place",
    "event_type",
    "sub_event_type",
    "country_code",
    "min_fatalities",
];

/// The queryables of the events layers, with their JSON Schema type.
pub const QUERYABLES: &[(&str, &str, &str)] = &[
    (
        "place",
        "string",
        "Canonical place name, a spelling the gazetteer knows, or a GeoNames id; comma-separated for several",
    ),
    (
        "event_type",
        "string",
        "ACLED event type (label or layer id); comma-separated for several",
    ),
    ("sub_event_type", "string", "ACLED sub-event type"),
    ("country_code", "string", "ISO 3166-1 alpha-2 country code"),
    (
        "min_fatalities",
        "integer",
        "Keep events with at least this many fatalities",
    ),
];

/// A request's query string as name/value pairs, checked against the names an endpoint accepts.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses `raw`, refusing names outside `allowed` and names given twice.
    pub fn parse(raw: Option<&str>, allowed: &[&[&str]]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::invalid(format!("the query string is malformed: {e}")))?;
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !allowed.iter().any(|set| set.contains(&name.as_str())) {
                let mut names: Vec<&str> = allowed.iter().flat_map(|s| s.iter().copied()).collect();
                names.sort_unstable();
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {name:?}; this endpoint accepts: {}",
                    names.join(", ")
                )));
            }
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::invalid(format!(
                    "query parameter {name:?} is given twice"
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// The value of `name`. An empty value counts as absent, as HTML forms and some clients
    /// send every field whether filled or not.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// Parameters of a resource served only as JSON: `f` alone, and only `f=json`.
    pub fn json_only(raw: Option<&str>) -> Result<Params, ApiError> {
        let params = Params::parse(raw, &[&["f"]])?;
        match params.get("f").map(str::trim) {
            None | Some("json") => Ok(params),
            Some(other) => Err(ApiError::invalid(format!(
                "f must be json for this resource, got {other:?}"
            ))),
        }
    }

    /// The pairs, to rebuild links that keep the request's filters.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(v) => match v.trim().parse::<u64>() {
                // Larger pages are capped, as OGC API - Features allows, rather than refused.
                Ok(n) if n >= 1 => Ok((n.min(MAX_LIMIT as u64)) as usize),
                _ => Err(ApiError::invalid(format!(
                    "limit must be an integer from 1 to {MAX_LIMIT}, got {v:?}"
                ))),
            },
        }
    }

    pub fn offset(&self) -> Result<usize, ApiError> {
        match self.get("offset") {
            None => Ok(0),
            Some(v) => v.trim().parse::<u32>().map(|n| n as usize).map_err(|_| {
                ApiError::invalid(format!("offset must be a non-negative integer, got {v:?}"))
            }),
        }
    }

    /// The data revision a page belongs to (`revision`, put in paging links), if given.
    pub fn revision(&self) -> Result<Option<u64>, ApiError> {
        self.get("revision")
            .map(|v| {
                v.trim().parse::<u64>().map_err(|_| {
                    ApiError::invalid(format!(
                        "revision must be a positive integer (as paging links give it), got {v:?}"
                    ))
                })
            })
            .transpose()
    }

    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name).map(str::trim) {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(ApiError::invalid(format!(
                "{name} must be true or false, got {v:?}"
            ))),
        }
    }

    /// The filters of an items, timeline or download request.
    pub fn event_query(&self) -> Result<EventQuery, ApiError> {
        if let Some(crs) = self.get("bbox-crs") {
            let crs84 = crs.trim().trim_end_matches('/');
            if !crs84.ends_with("OGC/1.3/CRS84") && !crs84.ends_with("OGC/0/CRS84") {
                return Err(ApiError::invalid(format!(
                    "bbox-crs {crs:?} is not supported; only http://www.opengis.net/def/crs/OGC/1.3/CRS84"
                )));
            }
        }
        let types = match self.get("event_type") {
            None => None,
            Some(list) => Some(
                split_list(list)
                    .map(|t| t.parse::<EventType>().map_err(ApiError::invalid))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let sub_event_type = match self.get("sub_event_type") {
            None => None,
            Some(s) => Some(
                EventType::ALL
                    .into_iter()
                    .find_map(|t| t.canonical_sub_event_type(s))
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "sub_event_type {s:?} is not an ACLED sub-event type"
                        ))
                    })?
                    .to_string(),
            ),
        };
        let country_code = match self.get("country_code").map(str::trim) {
            None => None,
            Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                Some(c.to_ascii_uppercase())
            }
            Some(c) => {
                return Err(ApiError::invalid(format!(
                    "country_code must be an ISO 3166-1 alpha-2 code such as KZ, got {c:?}"
                )));
            }
        };
        let min_fatalities = match self.get("min_fatalities") {
            None => None,
            Some(v) => Some(v.trim().parse::<u32>().map_err(|_| {
                ApiError::invalid(format!(
                    "min_fatalities must be a non-negative integer, got {v:?}"
                ))
            })?),
        };
        Ok(EventQuery {
            dates: self
                .get("datetime")
                .map(parse_datetime)
                .transpose()?
                .unwrap_or_default(),
            bbox: self.get("bbox").map(parse_bbox).transpose()?,
            types,
            sub_event_type,
            place: self.get("place").map(parse_place).transpose()?,
            country_code,
            min_fatalities,
        })
    }
}

fn split_list(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// `place=Almaty,Alma-Ata,1526384`: names are matched as canonical names and, through the
/// gazetteer, as any spelling it knows; numbers are GeoNames ids.
fn parse_place(list: &str) -> Result<PlaceFilter, ApiError> {
    let gazetteer = crate::gazetteer::Gazetteer::embedded();
    let mut filter = PlaceFilter::default();
    for item in split_list(list) {
        if let Ok(id) = item.parse::<u32>() {
            filter.geonameids.push(id);
        } else {
            filter.names.push(item.to_lowercase());
            if let Some(place) = gazetteer.resolve(item) {
                filter.geonameids.push(place.geonameid);
            }
        }
    }
    if filter.names.is_empty() && filter.geonameids.is_empty() {
        return Err(ApiError::invalid("place must name at least one place"));
    }
    Ok(filter)
}

/// OGC `datetime`: a date, an RFC 3339 instant, or an interval `a/b` with `..` (or nothing) for
/// an open end. Events are dated to the day, so an instant selects its (UTC) day.
pub fn parse_datetime(s: &str) -> Result<DateRange, ApiError> {
    let s = s.trim();
    match s.split_once('/') {
        None => {
            let d = parse_instant(s)?.ok_or_else(|| {
                ApiError::invalid(
                    "datetime must be a date, an instant or an interval a/b, got \"..\"",
                )
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

/// One end of an interval; `None` for an open end.
fn parse_instant(s: &str) -> Result<Option<Date>, ApiError> {
    let s = s.trim();
    if s.is_empty() || s == ".." {
        return Ok(None);
    }
    // GDAL writes a bare date as `2022-01-05T`; read it as the date it means.
    let s = s.strip_suffix(['T', 't']).unwrap_or(s);
    if let Ok(d) = s.parse::<Date>() {
        return Ok(Some(d));
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(Some(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()));
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return Ok(Some(dt.date()));
    }
    Err(ApiError::invalid(format!(
        "datetime: cannot read {s:?} as a date (2022-01-05), an RFC 3339 instant \
         (2022-01-05T12:00:00Z) or \"..\""
    )))
}

/// OGC `bbox`: `minx,miny,maxx,maxy` or, with heights, `minx,miny,minz,maxx,maxy,maxz` in CRS84.
pub fn parse_bbox(s: &str) -> Result<BBox, ApiError> {
    const SHAPE: &str = "bbox must be 4 or 6 numbers: minx,miny,maxx,maxy";
    let numbers: Vec<f64> = s
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::invalid(format!("{SHAPE}, got {s:?}")))?;
    let [min_lon, min_lat, max_lon, max_lat] = match *numbers.as_slice() {
        [a, b, c, d] => [a, b, c, d],
        [a, b, _, d, e, _] => [a, b, d, e],
        _ => {
            return Err(ApiError::invalid(format!(
                "{SHAPE}, got {} numbers",
                numbers.len()
            )));
        }
    };
    if numbers.iter().any(|n| !n.is_finite()) {
        return Err(ApiError::invalid(format!(
            "{SHAPE}, got a non-finite number"
        )));
    }
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

/// What a response is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Json,
    Csv,
    Html,
}

impl Format {
    /// Like [`Format::negotiate`] for data resources, which have no HTML form: a browser's
    /// `Accept: text/html` gets `default` (GeoJSON it can show or save); only an explicit
    /// `f=html` is refused by the caller.
    pub fn negotiate_data(
        params: &Params,
        headers: &HeaderMap,
        default: Format,
    ) -> Result<Format, ApiError> {
        match Format::negotiate(params, headers, default)? {
            Format::Html if params.get("f").is_none() => Ok(default),
            f => Ok(f),
        }
    }

    /// From `f`, else from `Accept`, else `default`.
    pub fn negotiate(
        params: &Params,
        headers: &HeaderMap,
        default: Format,
    ) -> Result<Format, ApiError> {
        if let Some(f) = params.get("f") {
            return match f.trim().to_ascii_lowercase().as_str() {
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
