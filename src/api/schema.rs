//! What a layer's features hold, as JSON Schema: the returnables of OGC API – Features Part 5
//! (`/collections/{id}/schema`), the whole-Feature schema GDAL reads through the collection's
//! `describedby` link (`/collections/{id}/schema/feature`), and the queryables of Part 3. All three
//! come from one list of fields per layer, itself read from the data model's property table.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::ogc::json_response;
use super::params::Params;
use super::{ApiError, AppState, Layer};
use crate::model::{EventType, PROPERTIES, PropertyType, events_column};

pub const SCHEMA_JSON: &str = "application/schema+json";
const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One property of a layer's features.
pub struct Field {
    pub name: String,
    pub kind: PropertyType,
    pub nullable: bool,
    pub title: String,
    pub values: Option<Vec<&'static str>>,
}

/// The properties of a layer's features, in the order features write them.
pub fn fields(layer: Layer) -> Vec<Field> {
    match layer {
        Layer::Events(_) => PROPERTIES
            .iter()
            .map(|p| Field {
                name: p.name.to_string(),
                kind: p.kind,
                nullable: p.nullable,
                title: p.title.to_string(),
                values: p.values.map(|v| v()),
            })
            .collect(),
        Layer::Places => place_fields(),
    }
}

fn place_fields() -> Vec<Field> {
    let field = |name: &str, kind, nullable, title: &str| Field {
        name: name.to_string(),
        kind,
        nullable,
        title: title.to_string(),
        values: None,
    };
    use PropertyType::{Date, Integer, String as Text};
    let mut out = vec![
        field("arrests", Integer, false, "People detained, in all"),
        field(
            "country_code",
            Text,
            false,
            "ISO 3166-1 alpha-2 country code",
        ),
        field("events", Integer, false, "Events at the place"),
        field("fatalities", Integer, false, "People killed, in all"),
        field("first_date", Date, false, "Day of the first event"),
        field("geonameid", Integer, true, "GeoNames id of the place"),
        field("injuries", Integer, false, "People injured, in all"),
        field("last_date", Date, false, "Day of the last event"),
    ];
    for t in EventType::ALL {
        let title = format!("Events of type {}", t.label());
        out.push(field(&events_column(t), Integer, false, &title));
    }
    out.push(field("place", Text, false, "Place name (the gazetteer's)"));
    out
}

/// How a schema says a value may be null.
#[derive(Clone, Copy)]
enum Nulls {
    /// JSON Schema's own way: `"type": ["integer", "null"]`.
    TypeList,
    /// One type name and `"nullable": true`: what GDAL's schema reader understands.
    Flag,
}

fn field_schema(f: &Field, nulls: Nulls) -> Value {
    let (kind, format) = match f.kind {
        PropertyType::String => ("string", None),
        PropertyType::Integer => ("integer", None),
        PropertyType::Number => ("number", None),
        PropertyType::Boolean => ("boolean", None),
        PropertyType::Date => ("string", Some("date")),
    };
    let mut s = json!({ "title": f.title });
    s["type"] = match nulls {
        Nulls::TypeList if f.nullable => json!([kind, "null"]),
        _ => json!(kind),
    };
    if f.nullable && matches!(nulls, Nulls::Flag) {
        s["nullable"] = json!(true);
    }
    if let Some(format) = format {
        s["format"] = json!(format);
    }
    if let Some(values) = &f.values {
        let mut values: Vec<Value> = values.iter().map(|v| json!(v)).collect();
        if f.nullable && matches!(nulls, Nulls::TypeList) {
            values.push(Value::Null);
        }
        s["enum"] = Value::Array(values);
    }
    match f.name.as_str() {
        "id" => s["x-ogc-role"] = json!("id"),
        "event_date" => s["x-ogc-role"] = json!("primary-instant"),
        _ => {}
    }
    s
}

fn geometry_schema() -> Value {
    json!({ "title": "Location", "format": "geometry-point", "x-ogc-role": "primary-geometry" })
}

fn properties(layer: Layer, nulls: Nulls) -> Map<String, Value> {
    fields(layer)
        .iter()
        .map(|f| (f.name.clone(), field_schema(f, nulls)))
        .collect()
}

fn title(layer: Layer) -> String {
    match layer {
        Layer::Events(None) => "Events".into(),
        Layer::Events(Some(t)) => format!("Events of type {}", t.label()),
        Layer::Places => "Places".into(),
    }
}

/// `/collections/{id}/schema`: the features' properties (Part 5 returnables).
pub async fn schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = Layer::from_id(&id)?;
    let mut props = properties(layer, Nulls::TypeList);
    props.insert("geometry".into(), geometry_schema());
    let body = json!({
        "$schema": DRAFT,
        "$id": format!("{}/collections/{}/schema", state.base_url(), layer.id()),
        "type": "object",
        "title": title(layer),
        "properties": props,
        "additionalProperties": false,
    });
    Ok(json_response(&body, SCHEMA_JSON))
}

/// `/collections/{id}/schema/feature`: a whole GeoJSON Feature of the layer, the document the
/// collection's `describedby` link gives, from which GDAL types its fields.
pub async fn feature_schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = Layer::from_id(&id)?;
    let body = json!({
        "$schema": DRAFT,
        "$id": format!("{}/collections/{}/schema/feature", state.base_url(), layer.id()),
        "title": format!("A feature of {}", title(layer)),
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": { "type": "string", "enum": ["Feature"] },
            "id": { "type": "string" },
            "geometry": { "type": "object", "title": "GeoJSON Point", "required": ["type", "coordinates"], "properties": {
                "type": { "type": "string", "enum": ["Point"] },
                "coordinates": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" } },
            } },
            "properties": { "type": "object", "properties": properties(layer, Nulls::Flag) },
        },
    });
    Ok(json_response(&body, SCHEMA_JSON))
}

/// `/collections/{id}/queryables`: the properties a CQL2 filter may name, with their types.
pub async fn queryables(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = Layer::from_id(&id)?;
    // A places filter selects the events its totals count: its queryables are the events'.
    let mut props = properties(Layer::Events(None), Nulls::TypeList);
    props.insert("geometry".into(), geometry_schema());
    let description = match layer {
        Layer::Places => "Properties of the events the totals count, for the filter parameter",
        _ => "Properties the filter parameter (CQL2) may name",
    };
    let body = json!({
        "$schema": DRAFT,
        "$id": format!("{}/collections/{}/queryables", state.base_url(), layer.id()),
        "type": "object",
        "title": title(layer),
        "description": description,
        "properties": props,
        "additionalProperties": false,
    });
    Ok(json_response(&body, SCHEMA_JSON))
}
