//! Vector tiles of the events (Mapbox Vector Tile 2.1) on the WebMercatorQuad grid, made from
//! the index on request. A tile holds its events one by one (layer `events`) while they are
//! few enough to draw; where they would crowd it holds clusters instead (layer `clusters`: one
//! point per cell of a 64 × 64 grid, with the count of its events, their tolls and their count per
//! type). Each event belongs to exactly one tile of a zoom (the one its point falls in), so the
//! counts of a zoom's tiles add up to the number of matching events.

pub mod grid;

use mvt::{GeomEncoder, GeomType, Tile};

use crate::index::{EventIndex, EventQuery, TilePoint};
use crate::model::EventType;

/// Tile units a side, as MapLibre and GDAL expect by default.
pub const EXTENT: u32 = 4096;
/// A tile holds its events one by one up to this many; more, and it holds clusters.
pub const MAX_POINTS: usize = 2000;
/// Cells a side of the cluster grid: 64 tile units, 8 pixels of a 512-pixel tile.
const CELLS: u32 = 64;
/// From this zoom on, the tile's box goes to the R-tree; below it the tile covers so much of
/// the world that reading the rows in order is faster.
const TREE_FROM_ZOOM: u8 = 3;

pub const EVENTS_LAYER: &str = "events";
pub const CLUSTERS_LAYER: &str = "clusters";

/// One tile of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// The tile, if the grid has it.
    pub fn new(z: u8, x: u32, y: u32) -> Result<TileId, String> {
        if z > grid::MAX_ZOOM {
            return Err(format!("zoom {z} is past the deepest, {}", grid::MAX_ZOOM));
        }
        let side = 1u64 << z;
        if u64::from(x) >= side || u64::from(y) >= side {
            return Err(format!(
                "tile column and row go from 0 to {} at zoom {z}; got column {x}, row {y}",
                side - 1
            ));
        }
        Ok(TileId { z, x, y })
    }

    /// Where a point of the world square falls in this tile, in tile units, if it does.
    fn place(&self, [ux, uy]: [f64; 2]) -> Option<(u32, u32)> {
        let scale = f64::from(1u32 << self.z);
        let (gx, gy) = (ux * scale, uy * scale);
        if gx.floor() as u64 != u64::from(self.x) || gy.floor() as u64 != u64::from(self.y) {
            return None;
        }
        let unit = |g: f64| (((g - g.floor()) * f64::from(EXTENT)) as u32).min(EXTENT - 1);
        Some((unit(gx), unit(gy)))
    }
}

/// What a tile is made of: events while they are few, clusters once they would crowd.
enum Contents {
    /// Positions of the events, and where they are in the tile.
    Events(Vec<(u32, u32, u32)>),
    Clusters(Box<[Cell]>),
}

/// The events of one cluster cell.
#[derive(Clone, Default)]
struct Cell {
    count: u32,
    /// Sums of the events' tile coordinates, for the cluster's point (their centroid).
    sum_x: u64,
    sum_y: u64,
    fatalities: u64,
    injuries: u64,
    arrests: u64,
    by_type: [u32; EventType::ALL.len()],
}

impl Cell {
    fn add(&mut self, p: &TilePoint, x: u32, y: u32) {
        self.count += 1;
        self.sum_x += u64::from(x);
        self.sum_y += u64::from(y);
        self.fatalities += u64::from(p.fatalities);
        self.injuries += u64::from(p.injuries);
        self.arrests += u64::from(p.arrests);
        // The enum's order is ALL's (a test of the model checks it).
        self.by_type[p.event_type as usize] += 1;
    }
}

impl Contents {
    fn add(&mut self, index: &EventIndex, pos: u32, x: u32, y: u32) {
        match self {
            Contents::Events(events) if events.len() < MAX_POINTS => events.push((pos, x, y)),
            Contents::Events(events) => {
                let mut cells = vec![Cell::default(); (CELLS * CELLS) as usize].into_boxed_slice();
                for &(p, ex, ey) in events.iter() {
                    cells[cell_of(ex, ey)].add(index.tile_point(p), ex, ey);
                }
                cells[cell_of(x, y)].add(index.tile_point(pos), x, y);
                *self = Contents::Clusters(cells);
            }
            Contents::Clusters(cells) => cells[cell_of(x, y)].add(index.tile_point(pos), x, y),
        }
    }
}

fn cell_of(x: u32, y: u32) -> usize {
    let side = EXTENT / CELLS;
    ((y / side) * CELLS + x / side) as usize
}

/// The tile `tile` of the events matching `q`, as MVT bytes (empty when no event falls in it).
pub fn render(index: &EventIndex, q: &EventQuery, tile: TileId) -> Result<Vec<u8>, mvt::Error> {
    let mut q = q.clone();
    if tile.z >= TREE_FROM_ZOOM
        && q.bbox.is_none()
        && let Some([w, s, e, n]) = grid::bounds(tile.z, tile.x, tile.y)
    {
        // A hair wider: membership is decided below, on the grid, so an event on the edge is
        // in exactly one tile.
        let pad = (e - w).max(n - s) * 1e-6;
        q.bbox = Some(crate::index::BBox {
            min_lon: (w - pad).max(-180.0),
            min_lat: (s - pad).max(-90.0),
            max_lon: (e + pad).min(180.0),
            max_lat: (n + pad).min(90.0),
        });
    }
    let mut contents = Contents::Events(Vec::new());
    index.visit(&q, |pos| {
        if let Some((x, y)) = tile.place(index.tile_point(pos).unit) {
            contents.add(index, pos, x, y);
        }
    });
    let mut out = Tile::new(EXTENT);
    match contents {
        Contents::Events(events) if events.is_empty() => return Ok(Vec::new()),
        Contents::Events(mut events) => {
            // Tiles come out the same for the same events, whatever order the index read them in.
            events.sort_by(|a, b| {
                let (x, y) = (index.row(a.0), index.row(b.0));
                (x.date, &x.id).cmp(&(y.date, &y.id))
            });
            out.add_layer(events_layer(&out, index, &events)?)?
        }
        Contents::Clusters(cells) => out.add_layer(clusters_layer(&out, &cells)?)?,
    }
    out.to_bytes()
}

/// The events one by one, with what the map draws and labels: the popup reads the rest from
/// the items by id.
fn events_layer(
    tile: &Tile,
    index: &EventIndex,
    events: &[(u32, u32, u32)],
) -> Result<mvt::Layer, mvt::Error> {
    let mut layer = tile.create_layer(EVENTS_LAYER);
    for &(pos, x, y) in events {
        let row = index.row(pos);
        let geometry = GeomEncoder::new(GeomType::Point)
            .point(x as i32, y as i32)?
            .encode()?;
        let mut f = layer.into_feature(geometry);
        f.add_tag_string("id", &row.id);
        f.add_tag_string("event_date", &row.date.to_string());
        f.add_tag_string("event_type", row.event_type.label());
        f.add_tag_string("layer", row.event_type.slug());
        f.add_tag_string("place", &index.place(row.place).name);
        for (key, n) in [
            ("fatalities", row.fatalities),
            ("injuries", row.injuries),
            ("arrests", row.arrests),
        ] {
            if let Some(n) = n {
                f.add_tag_uint(key, u64::from(n));
            }
        }
        layer = f.into_layer();
    }
    Ok(layer)
}

/// The count columns per type, made once.
fn type_columns() -> &'static [String] {
    static COLUMNS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        EventType::ALL
            .iter()
            .map(|&t| crate::model::events_column(t))
            .collect()
    });
    &COLUMNS
}

/// One point per occupied cell, at its events' centroid.
fn clusters_layer(tile: &Tile, cells: &[Cell]) -> Result<mvt::Layer, mvt::Error> {
    let mut layer = tile.create_layer(CLUSTERS_LAYER);
    for (i, c) in cells.iter().enumerate().filter(|(_, c)| c.count > 0) {
        let n = u64::from(c.count);
        let geometry = GeomEncoder::new(GeomType::Point)
            .point((c.sum_x / n) as i32, (c.sum_y / n) as i32)?
            .encode()?;
        let mut f = layer.into_feature(geometry);
        f.set_id(i as u64 + 1);
        f.add_tag_uint("count", n);
        f.add_tag_uint("fatalities", c.fatalities);
        f.add_tag_uint("injuries", c.injuries);
        f.add_tag_uint("arrests", c.arrests);
        let top = (0..EventType::ALL.len())
            .max_by_key(|&t| (c.by_type[t], std::cmp::Reverse(t)))
            .unwrap_or(0);
        f.add_tag_string("top_layer", EventType::ALL[top].slug());
        // A type with no event here is left out: a missing count is none (MVT has no nulls).
        for (column, &count) in type_columns().iter().zip(&c.by_type) {
            if count > 0 {
                f.add_tag_uint(column, u64::from(count));
            }
        }
        layer = f.into_layer();
    }
    Ok(layer)
}
