//! Vector tile benchmarks: one tile made from the index (not cached) at 10⁵ and 10⁶ synthetic
//! events, at the world's zooms (0, 2) and a city's (10), with a date filter as the page sends.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use eventmap::gazetteer::Gazetteer;
use eventmap::index::{DateRange, EventIndex, EventQuery};
use eventmap::synth::Synth;
use eventmap::tiles::{TileId, render};

fn tiles(c: &mut Criterion) {
    let mut group = c.benchmark_group("tiles");
    group.sample_size(10);
    for n in [100_000, 1_000_000] {
        let mut synth = Synth::new(Gazetteer::embedded(), 1);
        let index = EventIndex::new((0..n).map(|_| synth.event()));
        let q = EventQuery {
            dates: DateRange {
                start: Some(jiff::civil::date(2021, 3, 1)),
                end: None,
            },
            ..Default::default()
        };
        // The city tile holds the event in the middle of the index.
        let [ux, uy] = index.tile_point((index.len() / 2) as u32).unit;
        let city = TileId::new(10, (ux * 1024.0) as u32, (uy * 1024.0) as u32).unwrap();
        for (name, tile) in [
            ("z0", TileId::new(0, 0, 0).unwrap()),
            ("z2", TileId::new(2, 2, 1).unwrap()),
            ("z10", city),
        ] {
            group.bench_function(format!("{name} tile, {n} events"), |b| {
                b.iter(|| black_box(render(&index, &q, tile).unwrap()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, tiles);
criterion_main!(benches);
