//! Feature resources: pages of items, one item, whole-layer downloads (GeoJSON, CSV), per-place
//! totals and the per-day timeline — all answering the same [`EventQuery`] filters.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde_json::{Value, json};

use super::download::{Cell, Download, Source, content_type, csv_line, download_name};
use super::ogc::json_response;
use super::params::{FEATURE, FILTERS, Format, ITEM_SHAPE, JSON_ONLY, PAGE, Params, SHAPE};
use super::shape::Shape;
use super::sort::SortBy;
use super::{ApiError, AppState, Layer};
use crate::index::{EventIndex, EventQuery, PlaceEntry, PlaceTotals};
use crate::model::{EventType, events_column};

/// The query a layer answers: the request's filters narrowed to the layer's type.
pub(super) fn layer_query(layer: Layer, params: &Params) -> Result<EventQuery, ApiError> {
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
    let params = Params::parse(raw.as_deref(), &[PAGE, FILTERS, SHAPE])?;
    let format = Format::negotiate(&params, &headers, Format::GeoJson)?;
    let query = layer_query(layer, &params)?;
    let shape = Shape::from_params(&params, layer)?;
    // `revision` pins a walk over pages (and the downloads its links offer) to the data as it
    // was when the walk began: every link of a page carries it.
    let revision = state.revision_at(params.revision())?;
    let spec = PageSpec {
        base: state.base_url(),
        layer,
        params: &params,
        format,
        revision: revision.number,
    };
    let index = revision.index;
    let response = if layer == Layer::Places {
        places_items(&spec, &index, &query, &shape, &headers)?
    } else {
        event_items(&spec, index, &query, shape, &headers)?
    };
    Ok(response)
}

/// The page (or the download) of the places layer.
fn places_items(
    spec: &PageSpec<'_>,
    index: &EventIndex,
    query: &EventQuery,
    shape: &Shape,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let params = spec.params;
    let totals = index.place_totals(query);
    let mut ordered: Vec<&PlaceTotals> = totals.iter().collect();
    if let Some(sortby) = params.get("sortby") {
        SortBy::places(sortby)?.sort(index, &mut ordered);
    }
    let places: Vec<PlaceFeature<'_>> = ordered
        .into_iter()
        .map(|t| PlaceFeature::new(index, t))
        .collect();
    let (offset, limit) = (params.offset(), params.limit());
    let download = params.flag("download") && spec.format != Format::Html;
    if download || spec.format == Format::Csv {
        let filename = download_name(spec.layer, query, index, &[], spec.format);
        let body = if spec.format == Format::Csv {
            places_csv(&places)
        } else {
            let features: Vec<String> = places
                .iter()
                .map(|p| shape.apply(&p.to_json()).into_owned())
                .collect();
            format!(
                "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
                features.join(",")
            )
        };
        let name = download.then_some(filename);
        let file = Download::new(Source::Whole(body.into()), spec.format, name);
        return with_crs(file.respond(headers)?, shape);
    }
    // Only the page's places are serialised.
    let page: Vec<String> = places
        .iter()
        .skip(offset)
        .take(limit)
        .map(|p| shape.apply(&p.to_json()).into_owned())
        .collect();
    let response = page_response(
        spec,
        places.len(),
        offset,
        limit,
        page.iter().map(String::as_str),
    );
    with_crs(response, shape)
}

/// The page (or the download) of an events layer.
fn event_items(
    spec: &PageSpec<'_>,
    index: Arc<EventIndex>,
    query: &EventQuery,
    shape: Shape,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let params = spec.params;
    let (offset, limit) = (params.offset(), params.limit());
    let sortby = params.get("sortby").map(SortBy::events).transpose()?;
    // An HTML page is a page to read, whatever `download` says.
    let download = params.flag("download") && spec.format != Format::Html;
    if download || spec.format == Format::Csv {
        let mut matches = index.query(query);
        if let Some(sortby) = &sortby {
            let wanted = match (params.get("offset"), params.get("limit")) {
                (None, None) => usize::MAX,
                _ => offset.saturating_add(limit),
            };
            sortby.sort(&index, &mut matches, wanted);
        }
        // A download is the whole result unless the client asked for a page explicitly.
        let (start, take) = match (params.get("offset"), params.get("limit")) {
            (None, None) => (0, usize::MAX),
            _ => (offset, limit),
        };
        let selected: Vec<u32> = matches.into_iter().skip(start).take(take).collect();
        let filename = download_name(spec.layer, query, &index, &selected, spec.format);
        let name = download.then_some(filename);
        let crs = shape.crs();
        let source = Source::Events {
            index,
            selected,
            shape,
        };
        let response = Download::new(source, spec.format, name).respond(headers)?;
        return Ok(with_content_crs(response, crs));
    }
    let (matched, page) = match &sortby {
        None => index.query_page(query, offset, limit),
        Some(sortby) => {
            let mut all = index.query(query);
            sortby.sort(&index, &mut all, offset.saturating_add(limit));
            let page = all.iter().skip(offset).take(limit).copied().collect();
            (all.len(), page)
        }
    };
    let features: Vec<std::borrow::Cow<'_, str>> = page
        .iter()
        .map(|&pos| shape.apply(&index.row(pos).feature))
        .collect();
    let response = page_response(spec, matched, offset, limit, features.iter().map(|f| &**f));
    with_crs(response, &shape)
}

fn with_crs(response: Response, shape: &Shape) -> Result<Response, ApiError> {
    Ok(with_content_crs(response, shape.crs()))
}

/// Part 2's `Content-Crs` header: the CRS of the coordinates, in angle brackets.
fn with_content_crs(mut response: Response, crs: &str) -> Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("<{crs}>")) {
        response.headers_mut().insert("content-crs", v);
    }
    response
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
    let self_f = match format {
        Format::Json => "json",
        Format::Html => "html",
        _ => "geojson",
    };
    let kind = content_type(format);
    let this_page = Some(offset).filter(|&o| o > 0);
    let mut links = vec![
        json!({ "href": url_with(this_page, self_f), "rel": "self", "type": kind, "title": "This page" }),
        json!({ "href": url_with(None, "csv"), "rel": "alternate", "type": "text/csv", "title": "All matching features as CSV" }),
        json!({ "href": format!("{base}/collections/{}", layer.id()), "rel": "collection", "type": "application/json", "title": "The collection" }),
    ];
    if format == Format::Html {
        links.push(json!({ "href": url_with(this_page, "geojson"), "rel": "alternate", "type": content_type(Format::GeoJson), "title": "This page as GeoJSON" }));
    } else {
        links.push(json!({ "href": url_with(this_page, "html"), "rel": "alternate", "type": "text/html", "title": "This page as HTML" }));
    }
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
    if format == Format::Html {
        let features: Vec<Value> = features
            .filter_map(|f| serde_json::from_str(f).ok())
            .collect();
        let columns: Vec<String> = super::schema::fields(layer)
            .into_iter()
            .map(|f| f.name)
            .collect();
        let title = format!("{} — items", super::ogc::title(layer));
        return super::html::response(super::html::items(&head, &features, &columns, &title, base));
    }
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
fn places_csv(places: &[PlaceFeature<'_>]) -> String {
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
    text
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
    let params = Params::parse(raw.as_deref(), &[FEATURE, ITEM_SHAPE])?;
    let shape = Shape::from_params(&params, layer)?;
    let format = match Format::negotiate(&params, &headers, Format::GeoJson)? {
        f @ (Format::Json | Format::GeoJson | Format::Html) => f,
        _ => {
            return Err(ApiError::invalid(
                "a feature is served as geojson, json or html",
            ));
        }
    };
    let index = state.snapshot();
    let missing = || {
        ApiError::not_found(format!(
            "no feature {feature:?} in collection {collection:?}"
        ))
    };
    let base = state.base_url();
    let this = format!("{base}/collections/{collection}/items/{feature}");
    let of = format!("{base}/collections/{collection}");
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
            if shape.is_identity()
                && format != Format::Html
                && let Some(body) = with_links(&row.feature, &this, format, &of)
            {
                return with_crs(
                    ([(CONTENT_TYPE, content_type(format))], body).into_response(),
                    &shape,
                );
            }
            serde_json::from_str(&row.feature).map_err(|_| missing())?
        }
    };
    if !shape.is_identity() {
        value =
            serde_json::from_str(&shape.apply(&value.to_string())).map_err(ApiError::internal)?;
    }
    value["links"] = json!([
        { "href": this, "rel": "self", "type": content_type(format) },
        { "href": of, "rel": "collection", "type": "application/json" },
    ]);
    if format == Format::Html {
        let columns: Vec<String> = super::schema::fields(layer)
            .into_iter()
            .map(|f| f.name)
            .collect();
        return with_crs(
            super::html::response(super::html::item(&value, &columns, base)),
            &shape,
        );
    }
    with_crs(json_response(&value, content_type(format)), &shape)
}

/// A stored feature with its `links` member added (to itself, `this`, and its collection,
/// `of`), written around the stored text as it is: the feature a page sends, plus links,
/// without parsing it into a tree and writing it again (what made an answer by id cost more
/// than a page of a hundred). The links are those the tree gave, keys in the same order.
/// `None` if the text is not an object.
fn with_links(feature: &str, this: &str, format: Format, of: &str) -> Option<String> {
    let body = feature.strip_suffix('}')?;
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::with_capacity(feature.len() + this.len() + of.len() + 120);
    for piece in [
        body,
        ",\"links\":[{\"href\":",
        &quoted(this),
        ",\"rel\":\"self\",\"type\":",
        &quoted(content_type(format)),
        "},{\"href\":",
        &quoted(of),
        ",\"rel\":\"collection\",\"type\":\"application/json\"}]}",
    ] {
        out.push_str(piece);
    }
    Some(out)
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
