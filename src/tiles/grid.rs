//! The WebMercatorQuad tile matrix set (OGC's name for the usual web map grid), from the
//! `tile-grid` crate's registry: where a point lies in the world square, and a tile's bounds.

use std::sync::LazyLock;

use serde_json::Value;
use tile_grid::{BoundingBox, Tms, Xyz, tms};

pub const ID: &str = "WebMercatorQuad";
pub const URI: &str = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
/// Deepest zoom served: ~2 cm a tile unit, far past any event's precision.
pub const MAX_ZOOM: u8 = 24;
/// Where Web Mercator's square ends, north and south.
const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

struct Grid {
    tms: Tms,
    /// The square in Web Mercator metres.
    world: BoundingBox,
}

static GRID: LazyLock<Grid> = LazyLock::new(|| {
    // The registry is data compiled into tile-grid: WebMercatorQuad is always there.
    let tms = tms()
        .lookup(ID)
        .unwrap_or_else(|e| panic!("tile-grid lacks {ID}: {e}"));
    let world = tms.xy_bbox();
    Grid { tms, world }
});

/// Where `lon, lat` lies in the world square, x to the east and y to the south, both in
/// `[0, 1)`; latitudes beyond Web Mercator's ±85.05° go to its edge, so every point is in a tile.
pub fn unit(lon: f64, lat: f64) -> [f64; 2] {
    let g = &*GRID;
    // tile-grid's own truncation needs PROJ for the way back to degrees: clamp here.
    let Ok(c) = g.tms.xy(
        lon.clamp(-180.0, 180.0),
        lat.clamp(-MAX_LATITUDE, MAX_LATITUDE),
    ) else {
        return [0.5, 0.5];
    };
    let below_one = |v: f64| v.clamp(0.0, 1.0 - f64::EPSILON);
    [
        below_one((c.x - g.world.left) / (g.world.right - g.world.left)),
        below_one((g.world.top - c.y) / (g.world.top - g.world.bottom)),
    ]
}

/// A tile's bounds in longitude and latitude: west, south, east, north.
pub fn bounds(z: u8, x: u32, y: u32) -> Option<[f64; 4]> {
    let b = GRID
        .tms
        .bounds(&Xyz::new(u64::from(x), u64::from(y), z))
        .ok()?;
    Some([b.left, b.bottom, b.right, b.top])
}

/// The tile matrix set's definition (OGC Two Dimensional Tile Matrix Set, JSON).
pub fn definition() -> Value {
    tms()
        .get(ID)
        .ok()
        .and_then(|t| serde_json::to_value(t).ok())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_land_in_the_world_square() {
        let [x, y] = unit(0.0, 0.0);
        assert!((x - 0.5).abs() < 1e-9 && (y - 0.5).abs() < 1e-9);
        let [x, y] = unit(-180.0, 89.9);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let [x, y] = unit(180.0, -90.0);
        assert!(x < 1.0 && y < 1.0 && x > 0.999 && y > 0.999);
        let [w, s, e, n] = bounds(1, 1, 0).unwrap();
        assert!((w - 0.0).abs() < 1e-9 && (e - 180.0).abs() < 1e-9 && s.abs() < 1e-9 && n > 85.0);
        assert_eq!(definition()["id"], ID);
    }
}
