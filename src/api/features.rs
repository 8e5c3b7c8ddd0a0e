//! Feature resources: pages of items, one item, whole-layer downloads (GeoJSON, CSV), per-place
//! totals and the per-day timeline — all answering the same [`EventQuery`] filters.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::ogc::json_response;
use super::params::{FEATURE, FILTERS, Format, JSON_ONLY, PAGE, Params};
use super::{ApiError, AppState, Layer};
use crate::index::{EventIndex, EventQuery, PlaceEntry, PlaceTotals};
use crate::model::{CountKind, CountQualifier, Event, EventType, GeoPrecision, TimePrecision};

/// Features per chunk of a streamed download: big enough to amortise, small enough to stream.
const CHUNK: usize = 512;

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
        _ => "application/geo+json",
    }
}

/// The query a layer answers: the request's filters narrowed to the layer's type.
fn layer_query(layer: Layer, params: &Params) -> Result<EventQuery, ApiError> {
    let mut q = params.event_query()?;
    if let Layer::Events(Some(t)) = layer {
        q.types = Some(match q.types {
            Some(ts) => ts.into_iter().filter(|x| *x == t).collect(),
            None => vec![t],
        });
    }
    Ok(q)
}

pub async fn items(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = Layer::from_id(&collection)?;
    let params = Params::parse(raw.as_deref(), &[PAGE, FILTERS])?;
    let format = Format::negotiate_data(&params, &headers, Format::GeoJson)?;
    let limit = params.limit();
    let offset = params.offset();
    let download = params.flag("download");
    let query = layer_query(layer, &params)?;
    // `revision` pins a walk over pages (and the downloads its links offer) to the data as it
    // was when the walk began: every link of a page carries it.
    let revision = state.revision_at(params.revision())?;
    let index = revision.index;
    let spec = PageSpec {
        base: state.base_url(),
        layer,
        params: &params,
        format,
        revision: revision.number,
    };
    if layer == Layer::Places {
        let totals = index.place_totals(&query);
        let places: Vec<PlaceFeature<'_>> = totals
            .iter()
            .map(|t| PlaceFeature::new(&index, t))
            .collect();
        if download || format == Format::Csv {
            let filename = download_name(layer, &query, &index, &[], format);
            let body = if format == Format::Csv {
                places_csv_body(&places)
            } else {
                geojson_collection_body(places.iter().map(PlaceFeature::to_feature).collect())
            };
            return Ok(attachment(body, format, &filename));
        }
        // Only the page's places are serialised.
        let page: Vec<String> = places
            .iter()
            .skip(offset)
            .take(limit)
            .map(PlaceFeature::to_json)
            .collect();
        return Ok(page_response(
            &spec,
            places.len(),
            offset,
            limit,
            page.iter().map(String::as_str),
        ));
    }
    if download || format == Format::Csv {
        let matches = index.query(&query);
        // A download is the whole result unless the client asked for a page explicitly.
        let (start, take) = match (params.get("offset"), params.get("limit")) {
            (None, None) => (0, usize::MAX),
            _ => (offset, limit),
        };
        let selected: Vec<u32> = matches.iter().copied().skip(start).take(take).collect();
        let filename = download_name(layer, &query, &index, &selected, format);
        return Ok(stream_download(
            index, selected, format, &filename, download,
        ));
    }
    let (matched, page) = index.query_page(&query, offset, limit);
    let features = page.iter().map(|&pos| &*index.row(pos).feature);
    Ok(page_response(&spec, matched, offset, limit, features))
}

/// What the links of a page are made of.
struct PageSpec<'a> {
    base: &'a str,
    layer: Layer,
    params: &'a Params,
    format: Format,
    /// The revision the page was read from: every link carries it.
    revision: u64,
}

/// A page of features with OGC paging links and counts.
fn page_response<'a>(
    spec: &PageSpec<'_>,
    matched: usize,
    offset: usize,
    limit: usize,
    features: impl ExactSizeIterator<Item = &'a str> + Clone,
) -> Response {
    let PageSpec {
        base,
        layer,
        params,
        format,
        revision,
    } = *spec;
    let url_with = |offset: Option<usize>, f: &str| {
        let mut pairs: Vec<(String, String)> = params
            .pairs()
            .iter()
            .filter(|(n, _)| !matches!(n.as_str(), "offset" | "f" | "revision"))
            .cloned()
            .collect();
        if let Some(o) = offset {
            pairs.push(("offset".into(), o.to_string()));
        }
        pairs.push(("revision".into(), revision.to_string()));
        pairs.push(("f".into(), f.into()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{base}/collections/{}/items?{query}", layer.id())
    };
    let self_f = if format == Format::Json {
        "json"
    } else {
        "geojson"
    };
    let kind = content_type(format);
    let mut links = vec![
        json!({ "href": url_with(Some(offset).filter(|&o| o > 0), self_f), "rel": "self", "type": kind, "title": "This page" }),
        json!({ "href": url_with(None, "csv"), "rel": "alternate", "type": "text/csv", "title": "All matching features as CSV" }),
        json!({ "href": format!("{base}/collections/{}", layer.id()), "rel": "collection", "type": "application/json", "title": "The collection" }),
    ];
    if offset + features.len() < matched {
        links.push(json!({ "href": url_with(Some(offset + limit), self_f), "rel": "next", "type": kind, "title": "Next page" }));
    }
    if offset > 0 {
        links.push(json!({ "href": url_with(Some(offset.saturating_sub(limit)), self_f), "rel": "prev", "type": kind, "title": "Previous page" }));
    }
    let head = json!({
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": features.len(),
        "timeStamp": jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or(jiff::Timestamp::UNIX_EPOCH).to_string(),
        "links": links,
    });
    // The features are pre-serialised: splice them in instead of re-encoding.
    let head = head.to_string();
    let size: usize = features.clone().map(|f| f.len() + 1).sum();
    let mut body = String::with_capacity(head.len() + size + 16);
    body.push_str(&head[..head.len() - 1]);
    body.push_str(",\"features\":[");
    for (i, f) in features.enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(f);
    }
    body.push_str("]}");
    ([(CONTENT_TYPE, kind)], body).into_response()
}

/// The places layer as CSV: one row of totals per place.
fn places_csv_body(places: &[PlaceFeature<'_>]) -> Body {
    const COLUMNS: &[&str] = &[
        "id",
        "place",
        "geonameid",
        "country_code",
        "latitude",
        "longitude",
        "events",
        "fatalities",
        "injuries",
        "arrests",
        "first_date",
        "last_date",
    ];
    let by_type = EventType::ALL.map(|t| Cell::text(events_column(t)));
    let mut text = csv_line(COLUMNS.iter().map(|c| Cell::text(*c)).chain(by_type));
    for feature in places {
        let (p, t) = (feature.place, feature.totals);
        let counts: BTreeMap<EventType, u32> = t.layers().collect();
        let by_type =
            EventType::ALL.map(|k| Cell::number(Some(counts.get(&k).copied().unwrap_or(0))));
        text.push_str(&csv_line(
            [
                Cell::text(feature.id()),
                Cell::text(&p.name),
                Cell::number(p.geonameid),
                Cell::text(&p.country_code),
                Cell::number(Some(p.lat)),
                Cell::number(Some(p.lon)),
                Cell::number(Some(t.events)),
                Cell::number(Some(t.fatalities)),
                Cell::number(Some(t.injuries)),
                Cell::number(Some(t.arrests)),
                Cell::text(t.first.to_string()),
                Cell::text(t.last.to_string()),
            ]
            .into_iter()
            .chain(by_type),
        ));
    }
    Body::from(text)
}

fn geojson_collection_body(features: Vec<Value>) -> Body {
    Body::from(json!({ "type": "FeatureCollection", "features": features }).to_string())
}

fn attachment(body: Body, format: Format, filename: &str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type(format).to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Streams the selected features (GeoJSON) or rows (CSV) chunk by chunk from the snapshot.
fn stream_download(
    index: Arc<EventIndex>,
    selected: Vec<u32>,
    format: Format,
    filename: &str,
    as_attachment: bool,
) -> Response {
    let n_chunks = selected.len().div_ceil(CHUNK);
    let selected = Arc::new(selected);
    let is_csv = format == Format::Csv;
    let head: Bytes = if is_csv {
        Bytes::from(csv_header())
    } else {
        Bytes::from_static(b"{\"type\":\"FeatureCollection\",\"features\":[")
    };
    let tail: Bytes = if is_csv {
        Bytes::new()
    } else {
        Bytes::from_static(b"]}")
    };
    let chunks = (0..n_chunks).map(move |c| {
        let part = &selected[c * CHUNK..((c + 1) * CHUNK).min(selected.len())];
        let mut out = String::new();
        for (i, &pos) in part.iter().enumerate() {
            let row = index.row(pos);
            if is_csv {
                out.push_str(&csv_row(&row.feature));
            } else {
                if c > 0 || i > 0 {
                    out.push(',');
                }
                out.push_str(&row.feature);
            }
        }
        Ok::<_, std::convert::Infallible>(Bytes::from(out))
    });
    let body = stream::iter(
        std::iter::once(Ok(head))
            .chain(chunks)
            .chain(std::iter::once(Ok(tail))),
    );
    let body = Body::from_stream(body);
    if as_attachment {
        attachment(body, format, filename)
    } else {
        ([(CONTENT_TYPE, content_type(format))], body).into_response()
    }
}

/// `eventmap-events-2022-01-05_2022-01-07.geojson`: the layer and the dates it covers.
fn download_name(
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
];

fn csv_header() -> String {
    csv_line(CSV_COLUMNS.iter().map(|c| Cell::text(*c)))
}

/// One CSV cell. Text is neutralised against formula injection as OWASP recommends: a cell a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'` and is quoted. Numbers are written as they are (a latitude of -18.1 stays a
/// number).
struct Cell(String, bool);

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            Cell(format!("'{s}"), true)
        } else {
            Cell(s, false)
        }
    }

    fn number(n: Option<impl ToString>) -> Cell {
        Cell(n.map(|n| n.to_string()).unwrap_or_default(), false)
    }
}

/// A CSV line (RFC 4180): a cell is quoted when its text needs it or when it was neutralised.
fn csv_line(cells: impl IntoIterator<Item = Cell>) -> String {
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
    ])
}

/// Feature ids are short tokens; anything else is a malformed request, not a missing feature.
pub(super) fn check_feature_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "a feature id is 1 to 128 characters of letters, digits, '-', '_' or '.'",
        ))
    }
}

pub async fn item(
    State(state): State<AppState>,
    Path((collection, feature)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = Layer::from_id(&collection)?;
    check_feature_id(&feature)?;
    let params = Params::parse(raw.as_deref(), &[FEATURE])?;
    let format = match Format::negotiate_data(&params, &headers, Format::GeoJson)? {
        f @ (Format::Json | Format::GeoJson) => f,
        _ => return Err(ApiError::invalid("a feature is served as geojson or json")),
    };
    let index = state.snapshot();
    let missing = || {
        ApiError::not_found(format!(
            "no feature {feature:?} in collection {collection:?}"
        ))
    };
    let mut value: Value = match layer {
        Layer::Places => index
            .place_totals(&EventQuery::default())
            .iter()
            .map(|t| PlaceFeature::new(&index, t))
            .find(|p| p.id() == feature)
            .map(|p| p.to_feature())
            .ok_or_else(missing)?,
        Layer::Events(t) => {
            let row = index.row(index.position(&feature).ok_or_else(missing)?);
            if t.is_some_and(|t| t != row.event_type) {
                return Err(missing());
            }
            serde_json::from_str(&row.feature).map_err(|_| missing())?
        }
    };
    let base = state.base_url();
    value["links"] = json!([
        { "href": format!("{base}/collections/{collection}/items/{feature}"), "rel": "self", "type": content_type(format) },
        { "href": format!("{base}/collections/{collection}"), "rel": "collection", "type": "application/json" },
    ]);
    Ok(json_response(&value, content_type(format)))
}

/// A place's totals as the places layer serves them.
struct PlaceFeature<'a> {
    totals: &'a PlaceTotals,
    place: &'a PlaceEntry,
}

impl<'a> PlaceFeature<'a> {
    fn new(index: &'a EventIndex, totals: &'a PlaceTotals) -> PlaceFeature<'a> {
        PlaceFeature {
            totals,
            place: index.place(totals.place),
        }
    }

    fn id(&self) -> String {
        match self.place.geonameid {
            Some(g) => g.to_string(),
            None => format!("p{}", self.totals.place),
        }
    }

    fn to_feature(&self) -> Value {
        serde_json::to_value(self.geojson()).unwrap_or(Value::Null)
    }

    /// The feature as GeoJSON text, written straight from the totals (no JSON tree): a page of
    /// places costs about what a page of events does.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.geojson()).unwrap_or_default()
    }

    fn geojson(&self) -> PlaceGeoJson<'_> {
        let (t, p) = (self.totals, self.place);
        PlaceGeoJson {
            geometry: PointGeoJson {
                coordinates: [p.lon, p.lat],
                r#type: "Point",
            },
            id: self.id(),
            properties: PlaceProperties {
                arrests: t.arrests,
                country_code: &p.country_code,
                events: t.events,
                fatalities: t.fatalities,
                first_date: t.first,
                geonameid: p.geonameid,
                injuries: t.injuries,
                last_date: t.last,
                layers: EventsByType(t.layers().collect()),
                place: &p.name,
            },
            r#type: "Feature",
        }
    }
}

// The members in alphabetical order, as the rest of the API writes them.
#[derive(serde::Serialize)]
struct PlaceGeoJson<'a> {
    geometry: PointGeoJson,
    id: String,
    properties: PlaceProperties<'a>,
    r#type: &'static str,
}

#[derive(serde::Serialize)]
struct PointGeoJson {
    coordinates: [f64; 2],
    r#type: &'static str,
}

#[derive(serde::Serialize)]
struct PlaceProperties<'a> {
    arrests: u64,
    country_code: &'a str,
    events: usize,
    fatalities: u64,
    first_date: Date,
    geonameid: Option<u32>,
    injuries: u64,
    last_date: Date,
    #[serde(flatten)]
    layers: EventsByType,
    place: &'a str,
}

/// A place's events per type, one integer column each (`events_battles`…), every type
/// present, so the layer's columns are the same in every feature.
struct EventsByType(BTreeMap<EventType, u32>);

/// The column of a type's count in the places layer.
pub fn events_column(t: EventType) -> String {
    format!("events_{}", t.slug().replace('-', "_"))
}

impl serde::Serialize for EventsByType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(EventType::ALL.len()))?;
        for t in EventType::ALL {
            map.serialize_entry(&events_column(t), &self.0.get(&t).copied().unwrap_or(0))?;
        }
        map.end()
    }
}

/// `/timeline`: events per day and layer for the filters, every day of the covered span listed.
pub async fn timeline(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &[JSON_ONLY, FILTERS])?;
    let query = params.event_query()?;
    let index = state.snapshot();
    // The span is the data's, cut by the request's dates: it never exceeds what exists.
    let (first, last) = match index.extent(None) {
        Some((_, a, b)) => (
            query.dates.start.map_or(a, |s| s.max(a)),
            query.dates.end.map_or(b, |e| e.min(b)),
        ),
        None => {
            return Ok(json_response(
                &json!({ "days": [], "layers": {}, "extent": null }),
                "application/json",
            ));
        }
    };
    let mut days: BTreeMap<Date, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut layers: BTreeMap<EventType, usize> = BTreeMap::new();
    for pos in index.query(&query) {
        let row = index.row(pos);
        *days
            .entry(row.date)
            .or_default()
            .entry(row.event_type.slug())
            .or_default() += 1;
        *layers.entry(row.event_type).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        let counts = days.remove(&day).unwrap_or_default();
        out.push(json!({ "date": day, "total": counts.values().sum::<usize>(), "layers": counts }));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let layers: serde_json::Map<String, Value> = index
        .types()
        .into_iter()
        .map(|t| {
            (
                t.slug().to_string(),
                json!({ "title": t.label(), "count": layers.get(&t).copied().unwrap_or(0) }),
            )
        })
        .collect();
    let extent = if first <= last {
        json!([first, last])
    } else {
        Value::Null
    };
    Ok(json_response(
        &json!({ "days": out, "layers": layers, "extent": extent }),
        "application/json",
    ))
}
