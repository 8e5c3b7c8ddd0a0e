//! Index benchmarks: building the index of N synthetic events, and applying one write (an added
//! event, a correction, a removal) to it — what a `POST`, `PATCH` or `DELETE` costs the server.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use eventmap::gazetteer::Gazetteer;
use eventmap::index::{EventIndex, IndexChanges};
use eventmap::model::Event;
use eventmap::synth::Synth;

fn events(n: usize, seed: u64) -> Vec<Event> {
    let mut synth = Synth::new(Gazetteer::embedded(), seed);
    (0..n).map(|_| synth.event()).collect()
}

fn index(c: &mut Criterion) {
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let all = events(n, 1);
        group.bench_function(format!("build, {n} events"), |b| {
            b.iter_batched(
                || all.clone(),
                |events| black_box(EventIndex::new(events)),
                BatchSize::LargeInput,
            )
        });
        let built = EventIndex::new(all.clone());
        let mut extra = events(1, 2).remove(0);
        extra.id = "new-event".into();
        let mut corrected = all[n / 2].clone();
        corrected.fatalities = Some(3);
        let write = |added: Vec<Event>, removed: Vec<String>| IndexChanges { removed, added };
        group.bench_function(format!("add one event, {n} events"), |b| {
            b.iter(|| black_box(built.with_changes(write(vec![extra.clone()], vec![]))))
        });
        group.bench_function(format!("correct one event, {n} events"), |b| {
            b.iter(|| black_box(built.with_changes(write(vec![corrected.clone()], vec![]))))
        });
        group.bench_function(format!("remove one event, {n} events"), |b| {
            b.iter(|| black_box(built.with_changes(write(vec![], vec![all[7].id.clone()]))))
        });
    }
    group.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);
