//! The in-memory event index the API reads: events sorted by (date, id), an R-tree over their
//! points, per-type date-sorted postings, and each event's GeoJSON pre-serialised.
//!
//! An index is immutable once built; writers build a new one and swap it in (see `api`), so a
//! reader never waits on a write and always sees one consistent snapshot. A new index shares
//! its predecessor's base and adds a small delta of what the write changed, so writing costs
//! O(change); the delta is folded into a new base from time to time.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use geo::{Intersects, Rect, coord};
use jiff::civil::Date;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::model::{Event, EventType};

mod filter;
mod place_totals;

pub use filter::RowFilter;
pub use place_totals::PlaceTotals;

/// Inclusive range of whole days; `None` is an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// A longitude/latitude box in CRS84. `min_lon > max_lon` means it crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// The box as one or two rectangles: two when it crosses the antimeridian.
    pub fn rects(&self) -> impl Iterator<Item = Rect<f64>> {
        let rect = |x0: f64, x1: f64| {
            Rect::new(
                coord! { x: x0, y: self.min_lat },
                coord! { x: x1, y: self.max_lat },
            )
        };
        let (first, second) = if self.min_lon <= self.max_lon {
            (rect(self.min_lon, self.max_lon), None)
        } else {
            (rect(self.min_lon, 180.0), Some(rect(-180.0, self.max_lon)))
        };
        std::iter::once(first).chain(second)
    }

    /// Whether the point is in the box, edges included (OGC's bbox is closed).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let point = coord! { x: lon, y: lat };
        self.rects().any(|r| r.intersects(&point))
    }

    /// The box over a range of days as R-tree envelopes.
    fn envelopes(&self, dates: DateRange) -> impl Iterator<Item = AABB<[f64; 3]>> {
        let first = dates.start.map_or(f64::NEG_INFINITY, day_key);
        let last = dates.end.map_or(f64::INFINITY, day_key);
        self.rects().map(move |r| {
            AABB::from_corners([r.min().x, r.min().y, first], [r.max().x, r.max().y, last])
        })
    }
}

/// Which places a query keeps: canonical names (lower-cased) or GeoNames ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceFilter {
    pub names: Vec<String>,
    pub geonameids: Vec<u32>,
}

/// Everything a request can filter events by. Empty fields keep everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    pub dates: DateRange,
    pub bbox: Option<BBox>,
    /// Types to keep; `None` keeps all.
    pub types: Option<Vec<EventType>>,
    pub sub_event_type: Option<String>,
    pub place: Option<PlaceFilter>,
    pub country_code: Option<String>,
    pub min_fatalities: Option<u32>,
    /// A CQL2 filter, tested on the rows the other fields select.
    pub filter: Option<RowFilter>,
}

/// A place events were coded at, shared by all its events.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceEntry {
    pub name: String,
    pub geonameid: Option<u32>,
    pub country_code: String,
    pub lon: f64,
    pub lat: f64,
}

/// The compact part of an event that queries test, plus its ready-to-send GeoJSON.
#[derive(Debug, Clone)]
pub struct Row {
    pub date: Date,
    pub event_type: EventType,
    /// Index into the index's table of sub-event types (a few distinct strings, many rows).
    sub_event_type: u16,
    pub place: u32,
    pub fatalities: Option<u32>,
    pub injuries: Option<u32>,
    pub arrests: Option<u32>,
    pub lon: f64,
    pub lat: f64,
    pub id: Box<str>,
    /// The event as a GeoJSON Feature, serialised once at build time; shared (not copied) by the
    /// indexes a write builds from this one.
    pub feature: Arc<str>,
}

/// What a vector tile reads of an event, kept apart from the rows in the same order: a tile
/// over much of the world reads these 32 bytes of each event, not its whole row.
#[derive(Debug, Clone, Copy)]
pub struct TilePoint {
    /// The point in the Web Mercator world square (`tiles::grid::unit`), worked out once so a
    /// tile places a million events without projecting each.
    pub unit: [f64; 2],
    /// The counts, none as 0: what clusters add up.
    pub fatalities: u32,
    pub injuries: u32,
    pub arrests: u32,
    pub event_type: EventType,
}

impl TilePoint {
    fn of(row: &Row) -> TilePoint {
        TilePoint {
            unit: crate::tiles::grid::unit(row.lon, row.lat),
            fatalities: row.fatalities.unwrap_or(0),
            injuries: row.injuries.unwrap_or(0),
            arrests: row.arrests.unwrap_or(0),
            event_type: row.event_type,
        }
    }
}

/// An event in the R-tree: longitude, latitude and day, so one envelope query answers a bbox and
/// a date range together.
type Point = GeomWithData<[f64; 3], u32>;

/// A day as a number that sorts like the date (not a count of days: ranges only need order).
fn day_key(d: Date) -> f64 {
    f64::from(i32::from(d.year()) * 512 + i32::from(d.month()) * 32 + i32::from(d.day()))
}

/// Bounding box `[minx, miny, maxx, maxy]` and first/last date of a set of events.
pub type Extent = ([f64; 4], Date, Date);

/// The names rows refer to by number: places and sub-event types. Append-only, so an index
/// and the indexes written from it share one table until a write brings a new name.
#[derive(Debug, Default, Clone)]
struct Tables {
    places: Vec<PlaceEntry>,
    place_keys: HashMap<(Option<u32>, String, String), u32>,
    sub_event_types: Vec<Box<str>>,
}

impl Tables {
    /// The keys of the places a filter keeps.
    fn place_keys(&self, f: &PlaceFilter) -> Vec<u32> {
        self.places
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                f.names.iter().any(|n| p.name.to_lowercase() == *n)
                    || p.geonameid.is_some_and(|g| f.geonameids.contains(&g))
            })
            .map(|(i, _)| i as u32)
            .collect()
    }
}

/// Rows sorted by (date, id) and their indexes; positions are the rows' places in `rows`.
#[derive(Debug, Default)]
struct Segment {
    rows: Vec<Row>,
    /// What tiles read of each row, at the row's position.
    points: Vec<TilePoint>,
    /// (hash of id, position), sorted: a tenth of the memory of a map from id strings.
    by_id: Vec<(u64, u32)>,
    by_type: HashMap<EventType, Vec<u32>>,
    extents: HashMap<Option<EventType>, Extent>,
    tree: RTree<Point>,
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Widens an extent to take in another (a row's is a point and a day).
fn widen(e: &mut Extent, ([x0, y0, x1, y1], first, last): Extent) {
    e.0 = [
        e.0[0].min(x0),
        e.0[1].min(y0),
        e.0[2].max(x1),
        e.0[3].max(y1),
    ];
    e.1 = e.1.min(first);
    e.2 = e.2.max(last);
}

/// The extent of one row.
fn row_extent(row: &Row) -> Extent {
    ([row.lon, row.lat, row.lon, row.lat], row.date, row.date)
}

/// Adds a row's point and date to the extents of its layer and of all events.
fn extend_extents(extents: &mut HashMap<Option<EventType>, Extent>, row: &Row) {
    let own = row_extent(row);
    for layer in [None, Some(row.event_type)] {
        widen(extents.entry(layer).or_insert(own), own);
    }
}

/// The extents of the rows not removed (`removed` sorted): one pass in row order, with a slot
/// per layer instead of a map, as it reads every row of the base.
fn live_extents(rows: &[Row], removed: &[u32]) -> HashMap<Option<EventType>, Extent> {
    let layers: Vec<Option<EventType>> = std::iter::once(None)
        .chain(EventType::ALL.map(Some))
        .collect();
    let mut slots: Vec<Option<Extent>> = vec![None; layers.len()];
    let mut removed = removed.iter().copied().peekable();
    for (pos, row) in rows.iter().enumerate() {
        if removed.next_if_eq(&(pos as u32)).is_some() {
            continue;
        }
        let of_type = EventType::ALL
            .iter()
            .position(|&t| t == row.event_type)
            .map_or(0, |i| i + 1);
        let own = row_extent(row);
        for slot in [0, of_type] {
            widen(slots[slot].get_or_insert(own), own);
        }
    }
    layers
        .into_iter()
        .zip(slots)
        .filter_map(|(layer, e)| Some((layer, e?)))
        .collect()
}

/// Whether a row lies on an edge of its layer's extent or of all events' (a box side or the
/// first or last day), so that removing it may shrink them.
fn on_edge(extents: &HashMap<Option<EventType>, Extent>, row: &Row) -> bool {
    [None, Some(row.event_type)].iter().any(|layer| {
        extents
            .get(layer)
            .is_none_or(|([x0, y0, x1, y1], first, last)| {
                row.lon == *x0
                    || row.lat == *y0
                    || row.lon == *x1
                    || row.lat == *y1
                    || row.date == *first
                    || row.date == *last
            })
    })
}

fn union_extents(
    mut a: HashMap<Option<EventType>, Extent>,
    b: &HashMap<Option<EventType>, Extent>,
) -> HashMap<Option<EventType>, Extent> {
    for (&layer, &extent) in b {
        widen(a.entry(layer).or_insert(extent), extent);
    }
    a
}

impl Segment {
    fn build(mut rows: Vec<Row>) -> Segment {
        rows.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        let mut by_type: HashMap<EventType, Vec<u32>> = HashMap::new();
        let mut by_id = Vec::with_capacity(rows.len());
        let mut points = Vec::with_capacity(rows.len());
        let mut extents = HashMap::new();
        for (pos, row) in rows.iter().enumerate() {
            let pos = pos as u32;
            by_type.entry(row.event_type).or_default().push(pos);
            by_id.push((id_hash(&row.id), pos));
            points.push(Point::new([row.lon, row.lat, day_key(row.date)], pos));
            extend_extents(&mut extents, row);
        }
        by_id.sort_unstable();
        Segment {
            points: rows.iter().map(TilePoint::of).collect(),
            rows,
            by_id,
            by_type,
            extents,
            tree: RTree::bulk_load(points),
        }
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn position(&self, id: &str) -> Option<u32> {
        let h = id_hash(id);
        let first = self.by_id.partition_point(|&(x, _)| x < h);
        self.by_id[first..]
            .iter()
            .take_while(|&&(x, _)| x == h)
            .map(|&(_, pos)| pos)
            .find(|&pos| &*self.rows[pos as usize].id == id)
    }

    /// Positions of the rows matching `q`, in (date, id) order.
    fn query(&self, q: &EventQuery, tables: &Tables, places: Option<&[u32]>) -> Vec<u32> {
        let keep = |pos: u32| residual_matches(&self.rows[pos as usize], q, tables, places);
        // A bbox goes to the R-tree with the date range as its third dimension: the hits are
        // exactly the events in the box on those days, O(log n + hits).
        if let Some(bbox) = q.bbox {
            let mut hits: Vec<u32> = bbox
                .envelopes(q.dates)
                .flat_map(|env| self.tree.locate_in_envelope(env).map(|p| p.data))
                .filter(|&pos| type_matches(&self.rows[pos as usize], q) && keep(pos))
                .collect();
            hits.sort_unstable();
            hits.dedup();
            return hits;
        }
        let candidates = self.date_candidates(q);
        let mut out: Vec<u32> = candidates
            .iter()
            .flat_map(|&(_, s)| s.iter())
            .filter(|&pos| keep(pos))
            .collect();
        if candidates.len() > 1 {
            // Several per-type postings were concatenated: restore the global order.
            out.sort_unstable();
        }
        out
    }

    /// Calls `f` with the position of every row matching `q`, in no particular order.
    fn visit(
        &self,
        q: &EventQuery,
        tables: &Tables,
        places: Option<&[u32]>,
        f: &mut dyn FnMut(u32),
    ) {
        let keep = |pos: u32| residual_matches(&self.rows[pos as usize], q, tables, places);
        if let Some(bbox) = q.bbox {
            let rects: Vec<_> = bbox.rects().collect();
            for (i, env) in bbox.envelopes(q.dates).enumerate() {
                for pos in self.tree.locate_in_envelope(env).map(|p| p.data) {
                    let row = &self.rows[pos as usize];
                    // A point on the antimeridian is in both halves of a box across it: once.
                    let seen = rects[..i]
                        .iter()
                        .any(|r| r.intersects(&coord! { x: row.lon, y: row.lat }));
                    if !seen && type_matches(row, q) && keep(pos) {
                        f(pos);
                    }
                }
            }
            return;
        }
        for (_, slice) in self.date_candidates(q) {
            for pos in slice.iter() {
                if keep(pos) {
                    f(pos);
                }
            }
        }
    }

    /// The posting slices (one per requested type, or the whole table) cut to the date range by
    /// binary search: positions follow date order, so a range of days is a contiguous run.
    fn date_candidates(&self, q: &EventQuery) -> Vec<(Option<EventType>, PositionSlice<'_>)> {
        fn cut<'a>(s: PositionSlice<'a>, rows: &[Row], q: &EventQuery) -> PositionSlice<'a> {
            let date_of = |pos: u32| rows[pos as usize].date;
            let lo = match q.dates.start {
                Some(start) => s.partition_point(|pos| date_of(pos) < start),
                None => 0,
            };
            let hi = match q.dates.end {
                Some(end) => s.partition_point(|pos| date_of(pos) <= end),
                None => s.len(),
            };
            s.sub(lo, hi.max(lo))
        }
        let all = PositionSlice::All(0, self.rows.len() as u32);
        match &q.types {
            None => vec![(None, cut(all, &self.rows, q))],
            Some(types) => {
                let mut types = types.clone();
                types.sort();
                types.dedup();
                types
                    .iter()
                    .filter_map(|t| self.by_type.get(t).map(|v| (Some(*t), v)))
                    .map(|(t, v)| (t, cut(PositionSlice::List(v), &self.rows, q)))
                    .collect()
            }
        }
    }
}

fn type_matches(r: &Row, q: &EventQuery) -> bool {
    q.types.as_ref().is_none_or(|ts| ts.contains(&r.event_type))
}

/// The filters no index serves: cheap comparisons on the row.
fn residual_matches(r: &Row, q: &EventQuery, tables: &Tables, places: Option<&[u32]>) -> bool {
    q.sub_event_type
        .as_deref()
        .is_none_or(|s| tables.sub_event_types[r.sub_event_type as usize].eq_ignore_ascii_case(s))
        && q.min_fatalities
            .is_none_or(|m| r.fatalities.unwrap_or(0) >= m)
        && q.country_code.as_deref().is_none_or(|c| {
            tables.places[r.place as usize]
                .country_code
                .eq_ignore_ascii_case(c)
        })
        && places.is_none_or(|keys| keys.contains(&r.place))
        && q.filter.as_ref().is_none_or(|f| f.matches(r, tables))
}

/// Positions of the base segment that a later write removed or replaced, sorted, also by type
/// so a per-type posting can count its own in O(log n).
#[derive(Debug, Default, Clone)]
struct Removed {
    all: Vec<u32>,
    by_type: HashMap<EventType, Vec<u32>>,
}

impl Removed {
    fn len(&self) -> usize {
        self.all.len()
    }

    fn contains(&self, pos: u32) -> bool {
        self.all.binary_search(&pos).is_ok()
    }

    fn insert(&mut self, pos: u32, event_type: EventType) {
        if let Err(at) = self.all.binary_search(&pos) {
            self.all.insert(at, pos);
            let of_type = self.by_type.entry(event_type).or_default();
            let at = of_type.partition_point(|&p| p < pos);
            of_type.insert(at, pos);
        }
    }

    /// The removed positions that a slice of postings holds, sorted.
    fn within(&self, of_type: Option<EventType>, slice: PositionSlice<'_>) -> &[u32] {
        let list: &[u32] = match of_type {
            None => &self.all,
            Some(t) => self.by_type.get(&t).map_or(&[], Vec::as_slice),
        };
        if slice.len() == 0 {
            return &[];
        }
        let (first, last) = (slice.get(0), slice.get(slice.len() - 1));
        let lo = list.partition_point(|&p| p < first);
        let hi = list.partition_point(|&p| p <= last);
        &list[lo..hi]
    }
}

/// Most rows a write keeps out of the base before the next write rebuilds everything: writes
/// then cost O(change) and a rebuild now and then, and queries merge a small second segment.
fn delta_limit(base_rows: usize) -> usize {
    (base_rows / 64).max(1024)
}

/// The events the API serves, in two segments: a base built once, and a small delta of the
/// events written since, with the base rows those writes removed or replaced. A write builds a
/// new delta (O(change)), not a new base, until the delta outgrows [`delta_limit`].
///
/// Positions name rows across both: a base row's position is its place in the base, a delta
/// row's is the base's length plus its place in the delta. Queries return positions in (date,
/// id) order.
#[derive(Debug, Default)]
pub struct EventIndex {
    tables: Arc<Tables>,
    base: Arc<Segment>,
    removed: Removed,
    /// Extents of the base rows still live (the base's own when nothing was removed).
    base_extents: Arc<HashMap<Option<EventType>, Extent>>,
    delta: Segment,
    extents: HashMap<Option<EventType>, Extent>,
    recent_place_totals: place_totals::RecentPlaceTotals,
}

/// Builds an [`EventIndex`] one event at a time, so a large file never exists as a list of
/// full events in memory: each event is reduced to its row as it arrives.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    rows: Vec<Row>,
    row_of_id: HashMap<Box<str>, usize>,
    tables: Arc<Tables>,
}

impl IndexBuilder {
    /// Adds an event; a later event with the same id replaces the earlier one.
    pub fn push(&mut self, e: Event) {
        let feature = Arc::from(e.to_feature_json());
        let sub_event_type = match self
            .tables
            .sub_event_types
            .iter()
            .position(|s| **s == *e.sub_event_type)
        {
            Some(i) => i as u16,
            None => {
                let tables = Arc::make_mut(&mut self.tables);
                tables
                    .sub_event_types
                    .push(e.sub_event_type.into_boxed_str());
                (tables.sub_event_types.len() - 1) as u16
            }
        };
        let key = (e.geonameid, e.place, e.country_code);
        let place = match self.tables.place_keys.get(&key) {
            Some(&p) => p,
            None => {
                let tables = Arc::make_mut(&mut self.tables);
                tables.places.push(PlaceEntry {
                    name: key.1.clone(),
                    geonameid: e.geonameid,
                    country_code: key.2.clone(),
                    lon: e.lon,
                    lat: e.lat,
                });
                let p = (tables.places.len() - 1) as u32;
                tables.place_keys.insert(key, p);
                p
            }
        };
        let row = Row {
            date: e.event_date,
            event_type: e.event_type,
            sub_event_type,
            place,
            fatalities: e.fatalities,
            injuries: e.injuries,
            arrests: e.arrests,
            lon: e.lon,
            lat: e.lat,
            id: e.id.into_boxed_str(),
            feature,
        };
        match self.row_of_id.get(&row.id) {
            Some(&i) => self.rows[i] = row,
            None => {
                self.row_of_id.insert(row.id.clone(), self.rows.len());
                self.rows.push(row);
            }
        }
    }

    pub fn finish(self) -> EventIndex {
        let base = Segment::build(self.rows);
        let extents = base.extents.clone();
        EventIndex {
            tables: self.tables,
            base_extents: Arc::new(base.extents.clone()),
            base: Arc::new(base),
            removed: Removed::default(),
            delta: Segment::default(),
            extents,
            recent_place_totals: Default::default(),
        }
    }
}

/// What a write changed in the events: ids removed, and events added (an added event replaces the
/// indexed event with the same id, as a correction does).
#[derive(Debug, Default, Clone)]
pub struct IndexChanges {
    pub removed: Vec<String>,
    pub added: Vec<Event>,
}

impl IndexChanges {
    pub fn added(events: Vec<Event>) -> IndexChanges {
        IndexChanges {
            removed: Vec::new(),
            added: events,
        }
    }

    pub fn removed(ids: Vec<String>) -> IndexChanges {
        IndexChanges {
            removed: ids,
            added: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

impl EventIndex {
    /// Builds the index. Events with the same id keep the last one given.
    pub fn new(events: impl IntoIterator<Item = Event>) -> EventIndex {
        let mut builder = IndexBuilder::default();
        for e in events {
            builder.push(e);
        }
        builder.finish()
    }

    /// A new index with `changes` applied, compacted into one base when the delta has outgrown
    /// [`delta_limit`] (see [`EventIndex::with_delta`] and [`EventIndex::compacted`]).
    pub fn with_changes(&self, changes: IndexChanges) -> EventIndex {
        let next = self.with_delta(changes);
        if next.needs_compaction() {
            next.compacted()
        } else {
            next
        }
    }

    /// Whether the delta has outgrown [`delta_limit`]: queries merge more than they should and
    /// writes copy more than they should until [`EventIndex::compacted`] replaces the index.
    pub fn needs_compaction(&self) -> bool {
        self.delta.len() + self.removed.len() > delta_limit(self.base.len())
    }

    /// The same events in one base and an empty delta: O(n log n), seconds at a million events,
    /// which is why the server compacts in the background. The rows' GeoJSON is shared, never
    /// re-serialised.
    pub fn compacted(&self) -> EventIndex {
        let live_base = (0..self.base.len() as u32)
            .filter(|&pos| !self.removed.contains(pos))
            .map(|pos| self.base.rows[pos as usize].clone());
        let rows = self.delta.rows.iter().cloned().chain(live_base).collect();
        IndexBuilder {
            rows,
            row_of_id: HashMap::new(),
            tables: Arc::clone(&self.tables),
        }
        .finish()
    }

    /// A new index with `changes` applied, never compacted. The base is shared, not copied: the
    /// write marks the base rows it removes or replaces and builds a new delta from the old
    /// delta's rows and the added events, O(change). Places left without events stay in the
    /// table, unreferenced: queries never see them.
    pub fn with_delta(&self, changes: IndexChanges) -> EventIndex {
        let replaced: HashSet<&str> = changes
            .removed
            .iter()
            .map(String::as_str)
            .chain(changes.added.iter().map(|e| e.id.as_str()))
            .collect();
        let mut removed = self.removed.clone();
        // The live base's extents change only if a row on their edge goes.
        let mut edge_removed = false;
        for id in &replaced {
            if let Some(pos) = self.base.position(id).filter(|&pos| !removed.contains(pos)) {
                let row = &self.base.rows[pos as usize];
                removed.insert(pos, row.event_type);
                edge_removed |= on_edge(&self.base_extents, row);
            }
        }
        let mut builder = IndexBuilder {
            rows: self
                .delta
                .rows
                .iter()
                .filter(|r| !replaced.contains(&*r.id))
                .cloned()
                .collect(),
            // Only the added events need it: the kept rows' ids are distinct from theirs.
            row_of_id: HashMap::new(),
            tables: Arc::clone(&self.tables),
        };
        for e in changes.added {
            builder.push(e);
        }
        let base_extents = if !edge_removed {
            Arc::clone(&self.base_extents)
        } else {
            Arc::new(live_extents(&self.base.rows, &removed.all))
        };
        let delta = Segment::build(builder.rows);
        let extents = union_extents((*base_extents).clone(), &delta.extents);
        EventIndex {
            tables: builder.tables,
            base: Arc::clone(&self.base),
            removed,
            base_extents,
            delta,
            extents,
            recent_place_totals: Default::default(),
        }
    }

    pub fn sub_event_type(&self, row: &Row) -> &str {
        &self.tables.sub_event_types[row.sub_event_type as usize]
    }

    /// How many events are served.
    pub fn len(&self) -> usize {
        self.base.len() - self.removed.len() + self.delta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn row(&self, pos: u32) -> &Row {
        let base = self.base.len();
        match (pos as usize).checked_sub(base) {
            None => &self.base.rows[pos as usize],
            Some(d) => &self.delta.rows[d],
        }
    }

    pub fn place(&self, key: u32) -> &PlaceEntry {
        &self.tables.places[key as usize]
    }

    /// Position of the event with this id.
    pub fn position(&self, id: &str) -> Option<u32> {
        match self.delta.position(id) {
            Some(d) => Some(self.base.len() as u32 + d),
            None => self
                .base
                .position(id)
                .filter(|&pos| !self.removed.contains(pos)),
        }
    }

    /// The event with this id, read back from its stored feature.
    pub fn event(&self, id: &str) -> Option<Event> {
        let row = self.row(self.position(id)?);
        Event::from_feature_json(&row.feature).ok()
    }

    /// Types present, in the canonical order of [`EventType::ALL`].
    pub fn types(&self) -> Vec<EventType> {
        EventType::ALL
            .into_iter()
            .filter(|t| self.extents.contains_key(&Some(*t)))
            .collect()
    }

    /// Bounding box and first/last date of the events of `layer` (all when `None`).
    pub fn extent(&self, layer: Option<EventType>) -> Option<Extent> {
        self.extents.get(&layer).copied()
    }

    /// Whether the row at `a` comes before the row at `b`: by date, then id.
    fn before(&self, a: u32, b: u32) -> bool {
        let (x, y) = (self.row(a), self.row(b));
        (x.date, &x.id) < (y.date, &y.id)
    }

    /// Positions of the events matching `q`, in (date, id) order.
    pub fn query(&self, q: &EventQuery) -> Vec<u32> {
        let places = q.place.as_ref().map(|f| self.tables.place_keys(f));
        let mut base = self.base.query(q, &self.tables, places.as_deref());
        if self.removed.len() > 0 {
            base.retain(|&pos| !self.removed.contains(pos));
        }
        if self.delta.len() == 0 {
            return base;
        }
        let offset = self.base.len() as u32;
        let delta = self.delta.query(q, &self.tables, places.as_deref());
        let mut out = Vec::with_capacity(base.len() + delta.len());
        let (mut i, mut j) = (0, 0);
        while i < base.len() || j < delta.len() {
            let take_base =
                j == delta.len() || (i < base.len() && self.before(base[i], offset + delta[j]));
            if take_base {
                out.push(base[i]);
                i += 1;
            } else {
                out.push(offset + delta[j]);
                j += 1;
            }
        }
        out
    }

    /// Calls `f` with the position of every event matching `q`, in no particular order: for
    /// what counts or draws the matches (tiles) and needs neither their order nor their list.
    pub fn visit(&self, q: &EventQuery, mut f: impl FnMut(u32)) {
        let places = q.place.as_ref().map(|p| self.tables.place_keys(p));
        let has_removed = self.removed.len() > 0;
        self.base
            .visit(q, &self.tables, places.as_deref(), &mut |pos| {
                if !has_removed || !self.removed.contains(pos) {
                    f(pos);
                }
            });
        let offset = self.base.len() as u32;
        self.delta
            .visit(q, &self.tables, places.as_deref(), &mut |pos| {
                f(offset + pos)
            });
    }

    /// What tiles read of the event at `pos`.
    pub fn tile_point(&self, pos: u32) -> &TilePoint {
        let base = self.base.len();
        match (pos as usize).checked_sub(base) {
            None => &self.base.points[pos as usize],
            Some(d) => &self.delta.points[d],
        }
    }

    /// The `offset..offset + limit` page of the matches of `q`, and how many match in all.
    /// Queries that filter only by date and type are answered from the postings without
    /// collecting every match: O(log n + removed + delta + limit) for one type or none,
    /// O(offset + limit) for several, instead of O(matches).
    pub fn query_page(&self, q: &EventQuery, offset: usize, limit: usize) -> (usize, Vec<u32>) {
        let needs_scan = q.bbox.is_some()
            || q.sub_event_type.is_some()
            || q.place.is_some()
            || q.country_code.is_some()
            || q.min_fatalities.is_some()
            || q.filter.is_some();
        if needs_scan {
            let all = self.query(q);
            let page = all.iter().skip(offset).take(limit).copied().collect();
            return (all.len(), page);
        }
        let mut cursors: Vec<Cursor<'_>> = self
            .base
            .date_candidates(q)
            .into_iter()
            .map(|(t, slice)| Cursor::new(slice, 0, self.removed.within(t, slice)))
            .collect();
        let base_cursors = cursors.len();
        let delta_offset = self.base.len() as u32;
        cursors.extend(
            self.delta
                .date_candidates(q)
                .into_iter()
                .map(|(_, slice)| Cursor::new(slice, delta_offset, &[])),
        );
        let total = cursors.iter().map(Cursor::live).sum();
        let delta_total: usize = cursors[base_cursors..].iter().map(Cursor::live).sum();
        let mut skip = offset;
        // With one base slice, jump over base rows that surely precede the page: at most
        // `delta_total` delta rows come before any of them. The delta rows before the first
        // base row left precede the page too.
        if base_cursors == 1 && offset > delta_total {
            let jump = (offset - delta_total).min(cursors[0].live());
            cursors[0].seek_live(jump);
            let first = cursors[0].peek();
            for c in &mut cursors[1..] {
                c.seek_before(|pos| first.is_none_or(|first| self.before(pos, first)));
            }
            let passed: usize = jump + cursors[1..].iter().map(Cursor::taken).sum::<usize>();
            skip = offset - passed.min(offset);
        }
        let mut page = Vec::with_capacity(limit.min(total));
        while page.len() < limit {
            let next = (0..cursors.len())
                .filter_map(|i| cursors[i].peek().map(|pos| (i, pos)))
                .reduce(|a, b| if self.before(b.1, a.1) { b } else { a });
            let Some((i, pos)) = next else { break };
            cursors[i].advance();
            if skip > 0 {
                skip -= 1;
            } else {
                page.push(pos);
            }
        }
        (total, page)
    }
}

/// A walk over a posting slice in order, stepping over the removed positions it holds.
struct Cursor<'a> {
    slice: PositionSlice<'a>,
    /// Added to the slice's positions: the delta's rows follow the base's.
    offset: u32,
    /// The removed positions in the slice, sorted.
    removed: &'a [u32],
    /// Index in `slice` of the next row.
    at: usize,
    /// Removed positions passed: those before `at`.
    passed_removed: usize,
}

impl<'a> Cursor<'a> {
    fn new(slice: PositionSlice<'a>, offset: u32, removed: &'a [u32]) -> Cursor<'a> {
        let mut c = Cursor {
            slice,
            offset,
            removed,
            at: 0,
            passed_removed: 0,
        };
        c.skip_removed();
        c
    }

    /// Rows in the slice that are not removed.
    fn live(&self) -> usize {
        self.slice.len() - self.removed.len()
    }

    /// Live rows already passed.
    fn taken(&self) -> usize {
        self.at - self.passed_removed
    }

    fn skip_removed(&mut self) {
        while self.at < self.slice.len()
            && self.removed.get(self.passed_removed) == Some(&self.slice.get(self.at))
        {
            self.at += 1;
            self.passed_removed += 1;
        }
    }

    fn peek(&self) -> Option<u32> {
        (self.at < self.slice.len()).then(|| self.slice.get(self.at) + self.offset)
    }

    fn advance(&mut self) {
        self.at += 1;
        self.skip_removed();
    }

    /// Removed positions before index `at` of the slice.
    fn removed_before(&self, at: usize) -> usize {
        if at < self.slice.len() {
            let here = self.slice.get(at);
            self.removed.partition_point(|&p| p < here)
        } else {
            self.removed.len()
        }
    }

    /// Moves to the `n`th live row from the start: O(removed · log n).
    fn seek_live(&mut self, n: usize) {
        // The nth live row is at index n plus the removed rows before it: iterate to that fixed
        // point, which each step approaches from below.
        let mut at = n;
        loop {
            let next = n + self.removed_before(at);
            if next == at {
                break;
            }
            at = next;
        }
        self.at = at.min(self.slice.len());
        self.passed_removed = self.removed_before(self.at);
        self.skip_removed();
    }

    /// Moves past the rows for which `before` holds (a prefix of the slice, as it is sorted).
    fn seek_before(&mut self, before: impl Fn(u32) -> bool) {
        let offset = self.offset;
        self.at = self.slice.partition_point(|pos| before(pos + offset));
        self.passed_removed = self.removed_before(self.at);
        self.skip_removed();
    }
}

/// A sorted run of positions: a range of the whole table or a piece of a per-type posting list.
#[derive(Debug, Clone, Copy)]
enum PositionSlice<'a> {
    All(u32, u32),
    List(&'a [u32]),
}

impl<'a> PositionSlice<'a> {
    fn len(&self) -> usize {
        match self {
            PositionSlice::All(a, b) => (b - a) as usize,
            PositionSlice::List(l) => l.len(),
        }
    }

    fn get(&self, i: usize) -> u32 {
        match self {
            PositionSlice::All(a, _) => a + i as u32,
            PositionSlice::List(l) => l[i],
        }
    }

    fn partition_point(&self, pred: impl Fn(u32) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn sub(&self, lo: usize, hi: usize) -> PositionSlice<'a> {
        match *self {
            PositionSlice::All(a, _) => PositionSlice::All(a + lo as u32, a + hi as u32),
            PositionSlice::List(l) => PositionSlice::List(&l[lo..hi]),
        }
    }

    fn iter(self) -> impl Iterator<Item = u32> + 'a {
        let (range, list): (std::ops::Range<u32>, &'a [u32]) = match self {
            PositionSlice::All(a, b) => (a..b, &[]),
            PositionSlice::List(l) => (0..0, l),
        };
        range.chain(list.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GeoPrecision, TimePrecision};
    use jiff::civil::date;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn random_event(i: usize, rng: &mut StdRng) -> Event {
        let event_type = EventType::ALL[rng.random_range(0..6)];
        Event {
            id: format!("e{i:05}"),
            event_date: date(2022, 1, 1)
                .checked_add(jiff::Span::new().days(rng.random_range(0..365)))
                .unwrap(),
            time_precision: TimePrecision::Day,
            event_type,
            sub_event_type: event_type.sub_event_types()[0].into(),
            place: format!("P{}", i % 50),
            place_as_written: String::new(),
            geonameid: None,
            country_code: "KZ".into(),
            admin1: None,
            geo_precision: GeoPrecision::City,
            geo_confidence: None,
            geo_reason: None,
            lon: rng.random_range(-180.0..180.0),
            lat: rng.random_range(-90.0..90.0),
            fatalities: None,
            injuries: None,
            arrests: None,
            count_qualifiers: Default::default(),
            actors: vec![],
            notes: String::new(),
            source: String::new(),
            lang: "en".into(),
            date_corrected: false,
            article_id: None,
            corrected: false,
            sources: Vec::new(),
            fatalities_reported: Vec::new(),
        }
    }

    /// The event at one point per place, as with gazetteer places.
    fn placed(mut e: Event) -> Event {
        let k = e.place.bytes().map(f64::from).sum::<f64>();
        (e.lon, e.lat) = (k * 3.7 % 360.0 - 180.0, k * 1.3 % 140.0 - 70.0);
        e
    }

    /// Random boxes (some across the antimeridian), date ranges and types on 20 000 events.
    /// A random day of 2022 and a day up to 200 days after it: the ends of a query's range.
    fn random_dates(rng: &mut StdRng) -> (Date, Date) {
        let a = date(2022, 1, 1)
            .checked_add(jiff::Span::new().days(rng.random_range(0..365)))
            .unwrap();
        let b = a
            .checked_add(jiff::Span::new().days(rng.random_range(0..200)))
            .unwrap();
        (a, b)
    }

    #[test]
    fn both_query_paths_agree_with_a_scan() {
        let mut rng = StdRng::seed_from_u64(3);
        let events: Vec<Event> = (0..20_000).map(|i| random_event(i, &mut rng)).collect();
        let index = EventIndex::new(events.clone());
        for _ in 0..200 {
            let (a, b) = random_dates(&mut rng);
            let min_lon = rng.random_range(-180.0..180.0);
            let bbox = BBox {
                min_lon,
                min_lat: rng.random_range(-90.0..0.0),
                // Sometimes past 180: wraps to a box across the antimeridian.
                max_lon: {
                    let m: f64 = min_lon + rng.random_range(1.0..120.0);
                    if m > 180.0 { m - 360.0 } else { m }
                },
                max_lat: rng.random_range(0.0..90.0),
            };
            let types = rng
                .random_bool(0.5)
                .then(|| vec![EventType::ALL[rng.random_range(0..6)], EventType::Riots]);
            let q = EventQuery {
                dates: DateRange {
                    start: Some(a),
                    end: Some(b),
                },
                bbox: Some(bbox),
                types: types.clone(),
                ..Default::default()
            };
            let mut expected: Vec<&Event> = events
                .iter()
                .filter(|e| e.event_date >= a && e.event_date <= b && bbox.contains(e.lon, e.lat))
                .filter(|e| types.as_ref().is_none_or(|ts| ts.contains(&e.event_type)))
                .collect();
            expected.sort_by(|x, y| (x.event_date, &x.id).cmp(&(y.event_date, &y.id)));
            let got: Vec<&str> = index
                .query(&q)
                .into_iter()
                .map(|p| &*index.row(p).id)
                .collect();
            let want: Vec<&str> = expected.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(got, want, "{q:?}");
        }
    }

    #[test]
    fn pages_match_the_full_query() {
        let mut rng = StdRng::seed_from_u64(5);
        let events: Vec<Event> = (0..3000).map(|i| random_event(i, &mut rng)).collect();
        let index = EventIndex::new(events);
        for types in [
            None,
            Some(vec![EventType::Riots]),
            Some(vec![EventType::Battles, EventType::Protests]),
        ] {
            let q = EventQuery {
                dates: DateRange {
                    start: Some(date(2022, 3, 1)),
                    end: None,
                },
                types,
                ..Default::default()
            };
            let all = index.query(&q);
            for (offset, limit) in [(0, 10), (5, 100), (all.len() - 3, 10), (all.len() + 5, 10)] {
                let (total, page) = index.query_page(&q, offset, limit);
                assert_eq!(total, all.len());
                let want: Vec<u32> = all.iter().skip(offset).take(limit).copied().collect();
                assert_eq!(page, want, "{q:?} offset {offset}");
            }
        }
    }

    /// Removals, corrections and new events applied to an index give what a rebuild from the
    /// resulting events gives: the same rows in the same order, extents, lookups and query answers.
    #[test]
    fn changes_give_what_a_rebuild_gives() {
        let mut rng = StdRng::seed_from_u64(9);
        let events: Vec<Event> = (0..5000)
            .map(|i| placed(random_event(i, &mut rng)))
            .collect();
        let index = EventIndex::new(events.clone());
        let removed: Vec<String> = events.iter().step_by(7).map(|e| e.id.clone()).collect();
        // Corrections of events that stay (every 11th from the 4th, none a multiple of 7).
        let mut added: Vec<Event> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 11 == 3 && i % 7 != 0)
            .map(|(_, e)| {
                let mut fixed = placed(random_event(0, &mut rng));
                fixed.id = e.id.clone();
                fixed.notes = "corrected".into();
                fixed
            })
            .collect();
        added.extend((5000..5300).map(|i| {
            let mut e = random_event(i, &mut rng);
            e.place = format!("Q{}", i % 7);
            placed(e)
        }));
        let mut expected: HashMap<String, Event> =
            events.into_iter().map(|e| (e.id.clone(), e)).collect();
        for id in &removed {
            expected.remove(id);
        }
        for e in &added {
            expected.insert(e.id.clone(), e.clone());
        }
        let rebuilt = EventIndex::new(expected.into_values());
        let updated = index.with_changes(IndexChanges {
            removed: removed.clone(),
            added,
        });

        assert_same_rows(&updated, &rebuilt);
        for layer in std::iter::once(None).chain(EventType::ALL.map(Some)) {
            assert_eq!(updated.extent(layer), rebuilt.extent(layer), "{layer:?}");
        }
        assert!(removed.iter().all(|id| updated.position(id).is_none()));
        assert_eq!(updated.event("e00003").unwrap().notes, "corrected");
        let ids = |ix: &EventIndex, q: &EventQuery| -> Vec<Box<str>> {
            ix.query(q)
                .into_iter()
                .map(|p| ix.row(p).id.clone())
                .collect()
        };
        for q in [
            EventQuery::default(),
            EventQuery {
                place: Some(PlaceFilter {
                    names: vec!["q3".into()],
                    geonameids: vec![],
                }),
                ..Default::default()
            },
            EventQuery {
                bbox: Some(BBox {
                    min_lon: -120.0,
                    min_lat: -60.0,
                    max_lon: 100.0,
                    max_lat: 60.0,
                }),
                types: Some(vec![EventType::Riots, EventType::Battles]),
                dates: DateRange {
                    start: Some(date(2022, 4, 1)),
                    end: Some(date(2022, 9, 30)),
                },
                ..Default::default()
            },
        ] {
            let got = ids(&updated, &q);
            assert!(!got.is_empty(), "{q:?}");
            assert_eq!(got, ids(&rebuilt, &q), "{q:?}");
            assert_eq!(
                updated.query_page(&q, 10, 50).1.len(),
                rebuilt.query_page(&q, 10, 50).1.len()
            );
        }
    }

    /// The same rows in the same order, with the same names, types and extents.
    fn assert_same_rows(updated: &EventIndex, rebuilt: &EventIndex) {
        assert_eq!(updated.len(), rebuilt.len());
        let all = EventQuery::default();
        let (a, b) = (updated.query(&all), rebuilt.query(&all));
        assert_eq!(a.len(), rebuilt.len());
        for (&pa, &pb) in a.iter().zip(&b) {
            let (a, b) = (updated.row(pa), rebuilt.row(pb));
            assert_eq!((&a.id, &a.feature), (&b.id, &b.feature));
            assert_eq!(updated.sub_event_type(a), rebuilt.sub_event_type(b));
            assert_eq!(updated.place(a.place), rebuilt.place(b.place));
            assert_eq!(updated.position(&a.id), Some(pa));
        }
        assert_eq!(updated.types(), rebuilt.types());
        for layer in std::iter::once(None).chain(EventType::ALL.map(Some)) {
            assert_eq!(updated.extent(layer), rebuilt.extent(layer), "{layer:?}");
        }
    }

    /// Writes one after another (removals, corrections, new events), through deltas and the
    /// rebuilds that fold them in: after each, every query and page answers as an index built
    /// afresh from the same events.
    #[test]
    fn a_series_of_writes_answers_like_a_rebuild() {
        let mut rng = StdRng::seed_from_u64(21);
        let mut live: HashMap<String, Event> = HashMap::new();
        let first: Vec<Event> = (0..3000)
            .map(|i| placed(random_event(i, &mut rng)))
            .collect();
        for e in &first {
            live.insert(e.id.clone(), e.clone());
        }
        let mut index = EventIndex::new(first);
        let mut next_id = 3000;
        let mut rebuilds = 0;
        for round in 0..40 {
            let ids: Vec<String> = live.keys().cloned().collect();
            let removed: Vec<String> = (0..rng.random_range(0..40))
                .map(|_| ids[rng.random_range(0..ids.len())].clone())
                .collect();
            let mut added: Vec<Event> = (0..rng.random_range(0..15))
                .map(|_| {
                    let mut fixed = placed(random_event(0, &mut rng));
                    fixed.id = ids[rng.random_range(0..ids.len())].clone();
                    fixed.notes = format!("corrected in round {round}");
                    fixed
                })
                .collect();
            for _ in 0..rng.random_range(0..60) {
                added.push(placed(random_event(next_id, &mut rng)));
                next_id += 1;
            }
            for id in &removed {
                live.remove(id);
            }
            for e in &added {
                live.insert(e.id.clone(), e.clone());
            }
            let base_before = Arc::as_ptr(&index.base);
            index = index.with_changes(IndexChanges { removed, added });
            rebuilds += usize::from(Arc::as_ptr(&index.base) != base_before);
            let rebuilt = EventIndex::new(live.values().cloned());
            assert_same_rows(&index, &rebuilt);
            for _ in 0..30 {
                let (a, b) = random_dates(&mut rng);
                let types = match rng.random_range(0..3) {
                    0 => None,
                    1 => Some(vec![EventType::ALL[rng.random_range(0..6)]]),
                    _ => Some(vec![
                        EventType::ALL[rng.random_range(0..6)],
                        EventType::Riots,
                    ]),
                };
                let q = EventQuery {
                    dates: DateRange {
                        start: rng.random_bool(0.7).then_some(a),
                        end: rng.random_bool(0.5).then_some(b),
                    },
                    bbox: rng.random_bool(0.3).then(|| BBox {
                        min_lon: -100.0,
                        min_lat: -50.0,
                        max_lon: rng.random_range(-50.0..180.0),
                        max_lat: 60.0,
                    }),
                    types,
                    ..Default::default()
                };
                let ids_of = |ix: &EventIndex, positions: &[u32]| -> Vec<Box<str>> {
                    positions.iter().map(|&p| ix.row(p).id.clone()).collect()
                };
                let want = rebuilt.query(&q);
                assert_eq!(ids_of(&index, &index.query(&q)), ids_of(&rebuilt, &want));
                let n = want.len();
                for offset in [0, 1, n / 3, n.saturating_sub(7), n, n + 3] {
                    let limit = rng.random_range(1..40);
                    let (total, page) = index.query_page(&q, offset, limit);
                    let (want_total, want_page) = rebuilt.query_page(&q, offset, limit);
                    assert_eq!(total, want_total, "{q:?}");
                    assert_eq!(
                        ids_of(&index, &page),
                        ids_of(&rebuilt, &want_page),
                        "round {round}, {q:?}, offset {offset}, limit {limit}"
                    );
                }
            }
        }
        // Both kinds of write were exercised: deltas, and rebuilds once a delta grew too big.
        assert!((1..10).contains(&rebuilds), "{rebuilds} rebuilds");
        assert!(index.delta.len() > 0 || index.removed.len() > 0);
    }

    #[test]
    fn duplicate_ids_keep_the_last_event() {
        let mut rng = StdRng::seed_from_u64(1);
        let first = random_event(1, &mut rng);
        let mut second = first.clone();
        second.notes = "corrected".into();
        let index = EventIndex::new(vec![first, second]);
        assert_eq!(index.len(), 1);
        assert_eq!(index.event("e00001").unwrap().notes, "corrected");
    }

    #[test]
    fn place_totals_add_up_the_matches_and_are_remembered_per_index() {
        let mut rng = StdRng::seed_from_u64(11);
        let events: Vec<Event> = (0..600)
            .map(|i| {
                let mut e = random_event(i, &mut rng);
                e.fatalities = Some(i as u32 % 4);
                e
            })
            .collect();
        let index = EventIndex::new(events.clone());
        let q = EventQuery {
            dates: DateRange {
                start: Some(date(2022, 3, 1)),
                end: Some(date(2022, 8, 31)),
            },
            ..Default::default()
        };
        let totals = index.place_totals(&q);
        let in_range = |d: Date| d >= date(2022, 3, 1) && d <= date(2022, 8, 31);
        let kept: Vec<&Event> = events.iter().filter(|e| in_range(e.event_date)).collect();
        assert_eq!(totals.iter().map(|t| t.events).sum::<usize>(), kept.len());
        for t in totals.iter() {
            let name = &index.place(t.place).name;
            let here: Vec<&&Event> = kept.iter().filter(|e| e.place == *name).collect();
            assert_eq!(t.events, here.len(), "{name}");
            let deaths: u64 = here
                .iter()
                .map(|e| u64::from(e.fatalities.unwrap_or(0)))
                .sum();
            assert_eq!(t.fatalities, deaths, "{name}");
            assert_eq!(Some(t.first), here.iter().map(|e| e.event_date).min());
            let riots = here
                .iter()
                .filter(|e| e.event_type == EventType::Riots)
                .count();
            let layers: Vec<(EventType, u32)> = t.layers().collect();
            assert_eq!(
                layers
                    .iter()
                    .find(|(k, _)| *k == EventType::Riots)
                    .map_or(0, |l| l.1) as usize,
                riots
            );
        }
        assert!(totals.windows(2).all(|w| w[0].events >= w[1].events));
        // The same query again is the remembered answer; another index answers for itself.
        assert!(Arc::ptr_eq(&totals, &index.place_totals(&q)));
        let changed = index.with_changes(IndexChanges::removed(vec![events[0].id.clone()]));
        let after = changed.place_totals(&EventQuery::default());
        assert_eq!(after.iter().map(|t| t.events).sum::<usize>(), 599);
    }
}
