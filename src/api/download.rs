//! Whole results as files: GeoJSON and ACLED-style CSV, streamed chunk by chunk from the
//! snapshot, with their exact size (`Content-Length`, also for `HEAD`) and byte ranges honoured,
//! so a client that opens a download by URL and reads it in parts (GDAL's `/vsicurl/`) can.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream;

use super::params::Format;
use super::shape::Shape;
use super::{ApiError, Layer};
use crate::index::{EventIndex, EventQuery};
use crate::model::{CountKind, CountQualifier, Event, GeoPrecision, TimePrecision};

/// Features per chunk of a streamed download: big enough to amortise, small enough to stream.
const CHUNK: usize = 512;

pub(super) fn content_type(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
        Format::GeoJson => "application/geo+json",
    }
}

/// What a download is made of.
pub(super) enum Source {
    /// Events of the snapshot, in order, written chunk by chunk.
    Events {
        index: Arc<EventIndex>,
        selected: Vec<u32>,
        shape: Shape,
    },
    /// A body made whole beforehand (the places layer's totals).
    Whole(Bytes),
}

/// A download: its source, its format, and how it is sent.
pub(super) struct Download {
    source: Arc<Source>,
    format: Format,
    /// Sent as an attachment of this name, or inline.
    filename: Option<String>,
}

impl Download {
    pub fn new(source: Source, format: Format, filename: Option<String>) -> Download {
        Download {
            source: Arc::new(source),
            format,
            filename,
        }
    }

    fn is_csv(&self) -> bool {
        self.format == Format::Csv
    }

    fn head(&self) -> Bytes {
        match (&*self.source, self.is_csv()) {
            (Source::Whole(_), _) => Bytes::new(),
            (_, true) => Bytes::from(csv_header()),
            (_, false) => Bytes::from_static(b"{\"type\":\"FeatureCollection\",\"features\":["),
        }
    }

    fn tail(&self) -> Bytes {
        match (&*self.source, self.is_csv()) {
            (Source::Events { .. }, false) => Bytes::from_static(b"]}"),
            _ => Bytes::new(),
        }
    }

    fn chunks(&self) -> usize {
        match &*self.source {
            Source::Events { selected, .. } => selected.len().div_ceil(CHUNK),
            Source::Whole(_) => 1,
        }
    }

    /// The bytes of chunk `c`.
    fn chunk(&self, c: usize) -> Bytes {
        let (index, selected, shape) = match &*self.source {
            Source::Whole(bytes) => return bytes.clone(),
            Source::Events {
                index,
                selected,
                shape,
            } => (index, selected, shape),
        };
        let part = &selected[c * CHUNK..((c + 1) * CHUNK).min(selected.len())];
        let mut out = String::new();
        for (i, &pos) in part.iter().enumerate() {
            let feature = &index.row(pos).feature;
            if self.is_csv() {
                out.push_str(&csv_row(feature));
            } else {
                if c > 0 || i > 0 {
                    out.push(',');
                }
                out.push_str(&shape.apply(feature));
            }
        }
        Bytes::from(out)
    }

    /// The size of chunk `c`, without writing it when the stored features are sent as they are.
    fn chunk_len(&self, c: usize) -> u64 {
        match &*self.source {
            Source::Events {
                index,
                selected,
                shape,
            } if !self.is_csv() && shape.is_identity() => {
                let part = &selected[c * CHUNK..((c + 1) * CHUNK).min(selected.len())];
                let commas = if c > 0 {
                    part.len()
                } else {
                    part.len().saturating_sub(1)
                };
                let sizes: usize = part.iter().map(|&p| index.row(p).feature.len()).sum();
                (sizes + commas) as u64
            }
            _ => self.chunk(c).len() as u64,
        }
    }

    /// The size of the whole body.
    fn len(&self) -> u64 {
        let body: u64 = (0..self.chunks()).map(|c| self.chunk_len(c)).sum();
        self.head().len() as u64 + body + self.tail().len() as u64
    }

    /// The bytes `start..end` of the body, as a stream that writes only the chunks they touch.
    fn body(self, start: u64, end: u64) -> Body {
        let mut parts: Vec<Part> = vec![Part::Head];
        parts.extend((0..self.chunks()).map(Part::Chunk));
        parts.push(Part::Tail);
        let mut at = 0u64;
        let this = Arc::new(self);
        let pieces = parts.into_iter().filter_map(move |part| {
            let len = match part {
                Part::Head => this.head().len() as u64,
                Part::Chunk(c) => this.chunk_len(c),
                Part::Tail => this.tail().len() as u64,
            };
            let (from, to) = (at, at + len);
            at = to;
            if to <= start || from >= end {
                return None;
            }
            let bytes = match part {
                Part::Head => this.head(),
                Part::Chunk(c) => this.chunk(c),
                Part::Tail => this.tail(),
            };
            let (a, b) = (start.max(from) - from, end.min(to) - from);
            Some(Ok::<_, std::convert::Infallible>(
                bytes.slice(a as usize..b as usize),
            ))
        });
        Body::from_stream(stream::iter(pieces))
    }

    /// The response: the whole body, or the byte range `request` asks for (206, or 416 when
    /// it lies past the end). A range that cannot be read is ignored, as RFC 9110 says.
    pub fn respond(self, request: &HeaderMap) -> Result<Response, ApiError> {
        let total = self.len();
        let range = request
            .get(RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| ByteRange::parse(v, total));
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(content_type(self.format)),
        );
        headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Some(name) = &self.filename
            && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            headers.insert(CONTENT_DISPOSITION, v);
        }
        let (status, start, end) = match range {
            None => (StatusCode::OK, 0, total),
            Some(ByteRange::Unsatisfiable) => {
                let mut e = ApiError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "RangeNotSatisfiable",
                    format!("the range asked for starts past the end of the {total} bytes"),
                )
                .into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                    e.headers_mut().insert(CONTENT_RANGE, v);
                }
                return Ok(e);
            }
            Some(ByteRange::Bytes(a, b)) => {
                if let Ok(v) = HeaderValue::from_str(&format!("bytes {a}-{}/{total}", b - 1)) {
                    headers.insert(CONTENT_RANGE, v);
                }
                (StatusCode::PARTIAL_CONTENT, a, b)
            }
        };
        headers.insert(CONTENT_LENGTH, HeaderValue::from(end - start));
        Ok((status, headers, self.body(start, end)).into_response())
    }
}

#[derive(Clone, Copy)]
enum Part {
    Head,
    Chunk(usize),
    Tail,
}

/// One range of a `Range: bytes=…` header, as `start..end`.
#[derive(Debug, PartialEq)]
enum ByteRange {
    Bytes(u64, u64),
    Unsatisfiable,
}

impl ByteRange {
    /// `bytes=a-b`, `bytes=a-` or `bytes=-n` against a body of `total` bytes; `None` for what
    /// is not one such range (several ranges included: the whole body is then sent).
    fn parse(header: &str, total: u64) -> Option<ByteRange> {
        let spec = header.trim().strip_prefix("bytes=")?.trim();
        if spec.contains(',') {
            return None;
        }
        let (a, b) = spec.split_once('-')?;
        let number = |s: &str| s.trim().parse::<u64>().ok();
        let (start, end) = match (a.trim().is_empty(), b.trim().is_empty()) {
            (true, false) => {
                let n = number(b)?;
                if n == 0 {
                    return Some(ByteRange::Unsatisfiable);
                }
                (total.saturating_sub(n), total)
            }
            (false, true) => (number(a)?, total),
            (false, false) => {
                let (a, b) = (number(a)?, number(b)?);
                if b < a {
                    return None;
                }
                (a, b.saturating_add(1).min(total))
            }
            (true, true) => return None,
        };
        if start >= total {
            return Some(ByteRange::Unsatisfiable);
        }
        Some(ByteRange::Bytes(start, end))
    }
}

/// `eventmap-events-2022-01-05_2022-01-07.geojson`: the layer and the dates it covers.
pub(super) fn download_name(
    layer: Layer,
    q: &EventQuery,
    index: &EventIndex,
    selected: &[u32],
    format: Format,
) -> String {
    let first = q
        .dates
        .start
        .or_else(|| selected.first().map(|&p| index.row(p).date));
    let last = q
        .dates
        .end
        .or_else(|| selected.last().map(|&p| index.row(p).date));
    let span = match (first, last) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}_{b}"),
        _ => "all".into(),
    };
    let ext = if format == Format::Csv {
        "csv"
    } else {
        "geojson"
    };
    format!("eventmap-{}-{span}.{ext}", layer.id())
}

const CSV_COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "country",
    "iso",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "geo_confidence",
    "geo_reason",
    "source",
    "notes",
    "fatalities",
    "injuries",
    "arrests",
    "fatalities_qualifier",
    "injuries_qualifier",
    "arrests_qualifier",
    "geonameid",
    "location_as_written",
    "lang",
    "sources_count",
    "fatalities_reported",
];

fn csv_header() -> String {
    csv_line(CSV_COLUMNS.iter().map(|c| Cell::text(*c)))
}

/// One CSV cell. Text is neutralised against formula injection as OWASP recommends: a cell a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'` and is quoted. Numbers are written as they are (a latitude of -18.1 stays a
/// number).
pub(super) struct Cell(String, bool);

impl Cell {
    pub(super) fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            Cell(format!("'{s}"), true)
        } else {
            Cell(s, false)
        }
    }

    pub(super) fn number(n: Option<impl ToString>) -> Cell {
        Cell(n.map(|n| n.to_string()).unwrap_or_default(), false)
    }
}

/// A CSV line (RFC 4180): a cell is quoted when its text needs it or when it was neutralised.
pub(super) fn csv_line(cells: impl IntoIterator<Item = Cell>) -> String {
    let mut line = String::new();
    for (i, Cell(value, neutralised)) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if neutralised || value.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&value.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&value);
        }
    }
    line.push('\n');
    line
}

/// One ACLED-style CSV row of a stored feature.
fn csv_row(feature: &str) -> String {
    let Ok(e) = Event::from_feature_json(feature) else {
        return String::new();
    };
    let gazetteer = crate::gazetteer::Gazetteer::embedded();
    let country = gazetteer
        .country(&e.country_code)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| e.country_code.clone());
    let admin1 = e
        .admin1
        .as_deref()
        .and_then(|a| gazetteer.region(&e.country_code, a))
        .map(|r| r.name.clone())
        .or(e.admin1.clone())
        .unwrap_or_default();
    let [fatalities_qualifier, injuries_qualifier, arrests_qualifier] = [
        CountKind::Fatalities,
        CountKind::Injuries,
        CountKind::Arrests,
    ]
    .map(|kind| Cell::text(e.count(kind).1.map(CountQualifier::name).unwrap_or("")));
    let reported: Vec<String> = e.fatalities_reported.iter().map(u32::to_string).collect();
    let [actor1, actor2] = [0, 1].map(|i| Cell::text(e.actors.get(i).cloned().unwrap_or_default()));
    let associated = e
        .actors
        .get(2..)
        .map(|rest| rest.join("; "))
        .unwrap_or_default();
    csv_line([
        Cell::text(e.id),
        Cell::text(e.event_date.to_string()),
        Cell::number(Some(e.event_date.year())),
        // ACLED's codes: 1 the day, 2 the week, 3 no closer than the month.
        Cell::number(Some(match e.time_precision {
            TimePrecision::Day => 1,
            TimePrecision::Week => 2,
            TimePrecision::Month | TimePrecision::Year => 3,
        })),
        Cell::text(e.event_type.label()),
        Cell::text(e.sub_event_type),
        actor1,
        Cell::text(associated),
        actor2,
        Cell::text(country),
        Cell::text(e.country_code),
        Cell::text(admin1),
        Cell::text(e.place),
        Cell::number(Some(e.lat)),
        Cell::number(Some(e.lon)),
        Cell::number(Some(match e.geo_precision {
            GeoPrecision::City => 1,
            GeoPrecision::Region => 2,
            GeoPrecision::Country => 3,
        })),
        Cell::number(e.geo_confidence),
        Cell::text(e.geo_reason.unwrap_or_default()),
        Cell::text(e.source),
        Cell::text(e.notes),
        Cell::number(e.fatalities),
        Cell::number(e.injuries),
        Cell::number(e.arrests),
        fatalities_qualifier,
        injuries_qualifier,
        arrests_qualifier,
        Cell::number(e.geonameid),
        Cell::text(e.place_as_written),
        Cell::text(e.lang),
        Cell::number(Some(e.sources.len())),
        Cell::text(reported.join(", ")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        let r = |h: &str| ByteRange::parse(h, 100);
        assert_eq!(r("bytes=0-9"), Some(ByteRange::Bytes(0, 10)));
        assert_eq!(r("bytes=90-"), Some(ByteRange::Bytes(90, 100)));
        assert_eq!(r("bytes=-10"), Some(ByteRange::Bytes(90, 100)));
        assert_eq!(r("bytes=95-200"), Some(ByteRange::Bytes(95, 100)));
        assert_eq!(r("bytes=-500"), Some(ByteRange::Bytes(0, 100)));
        assert_eq!(r("bytes=100-"), Some(ByteRange::Unsatisfiable));
        assert_eq!(r("bytes=-0"), Some(ByteRange::Unsatisfiable));
        for ignored in [
            "bytes=5-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
        ] {
            assert_eq!(r(ignored), None, "{ignored}");
        }
    }
}
