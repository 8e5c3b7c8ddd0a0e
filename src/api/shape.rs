//! What a request asks features to look like: which properties (`properties`), whether with a
//! geometry (`skipGeometry`), and in which axis order (`crs`: CRS84 is lon/lat, EPSG:4326 lat/lon
//! as OGC API – Features Part 2 says). Features are stored ready to send; only a request that
//! asks for another shape pays for re-encoding them.

use std::borrow::Cow;

use serde_json::Value;

use super::params::{CRS84, EPSG_4326, Params};
use super::schema::fields;
use super::{ApiError, Layer};

/// The shape of the features of one response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// The properties to keep, `None` for all.
    properties: Option<Vec<String>>,
    skip_geometry: bool,
    /// Coordinates as `[lat, lon]` (EPSG:4326) instead of `[lon, lat]`.
    lat_lon: bool,
}

impl Shape {
    /// The shape `params` ask for; an unknown property name is refused with the layer's names.
    pub fn from_params(params: &Params, layer: Layer) -> Result<Shape, ApiError> {
        let properties = match params.get("properties") {
            None => None,
            Some(list) => {
                let known: Vec<String> = fields(layer).into_iter().map(|f| f.name).collect();
                let mut keep = Vec::new();
                for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !known.iter().any(|k| k == name) {
                        return Err(ApiError::invalid(format!(
                            "properties: {name:?} is not a property of {}; it has: {}",
                            layer.id(),
                            known.join(", ")
                        )));
                    }
                    keep.push(name.to_string());
                }
                Some(keep)
            }
        };
        Ok(Shape {
            properties,
            skip_geometry: params.flag("skipGeometry"),
            lat_lon: params.get("crs") == Some(EPSG_4326),
        })
    }

    /// Whether features are sent as stored.
    pub fn is_identity(&self) -> bool {
        *self == Shape::default()
    }

    /// The CRS the coordinates are in, for the `Content-Crs` header.
    pub fn crs(&self) -> &'static str {
        if self.lat_lon { EPSG_4326 } else { CRS84 }
    }

    /// A stored feature in this shape.
    pub fn apply<'a>(&self, feature: &'a str) -> Cow<'a, str> {
        if self.is_identity() {
            return Cow::Borrowed(feature);
        }
        let Ok(mut f) = serde_json::from_str::<Value>(feature) else {
            return Cow::Borrowed(feature);
        };
        if let (Some(keep), Some(props)) = (&self.properties, f["properties"].as_object_mut()) {
            props.retain(|name, _| keep.iter().any(|k| k == name));
        }
        if self.skip_geometry {
            f["geometry"] = Value::Null;
        } else if self.lat_lon
            && let Some(c) = f["geometry"]["coordinates"].as_array_mut()
            && c.len() >= 2
        {
            c.swap(0, 1);
        }
        Cow::Owned(f.to_string())
    }
}
