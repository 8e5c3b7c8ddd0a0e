//! Index benchmarks: building the index of N synthetic events; applying one write (an added
//! event, a correction, a removal, an article's worth of events) to it, which is what a `POST`,
//! `PATCH` or `DELETE` costs the server; and reading a page of 100 before and after 30 writes
//! (whose delta every read then merges).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use eventmap::gazetteer::Gazetteer;
use eventmap::index::{EventIndex, EventQuery, IndexChanges};
use eventmap::model::Event;
use eventmap::synth::Synth;

fn events(n: usize, seed: u64) -> Vec<Event> {
    let mut synth = Synth::new(Gazetteer::embedded(), seed);
    (0..n).map(|_| synth.event()).collect()
}

fn index(c: &mut Criterion) {
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        let all = events(n, 1);
        if n <= 100_000 {
            group.bench_function(format!("build, {n} events"), |b| {
                b.iter_batched(
                    || all.clone(),
                    |events| black_box(EventIndex::new(events)),
                    BatchSize::LargeInput,
                )
            });
        }
        let built = EventIndex::new(all.clone());
        let article = |seed: u64| -> Vec<Event> {
            let mut added = events(35, seed);
            for (i, e) in added.iter_mut().enumerate() {
                e.id = format!("new-{seed}-{i}");
            }
            added
        };
        let mut corrected = all[n / 2].clone();
        corrected.fatalities = Some(3);
        let write = |added: Vec<Event>, removed: Vec<String>| IndexChanges { removed, added };
        let posted = article(2);
        group.bench_function(format!("add one event, {n} events"), |b| {
            b.iter_batched(
                || posted[..1].to_vec(),
                |added| black_box(built.with_changes(write(added, vec![]))),
                BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("add an article of 35 events, {n} events"), |b| {
            b.iter_batched(
                || posted.clone(),
                |added| black_box(built.with_changes(write(added, vec![]))),
                BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("correct one event, {n} events"), |b| {
            b.iter(|| black_box(built.with_changes(write(vec![corrected.clone()], vec![]))))
        });
        group.bench_function(format!("remove one event, {n} events"), |b| {
            b.iter(|| black_box(built.with_changes(write(vec![], vec![all[7].id.clone()]))))
        });
        // 30 articles posted and 30 events removed since the last rebuild.
        let mut written = built.with_changes(write(vec![], vec![]));
        for k in 0..30 {
            written = written.with_changes(write(
                article(100 + k),
                vec![all[k as usize * 13].id.clone()],
            ));
        }
        let page = EventQuery::default();
        group.bench_function(format!("page of 100, {n} events"), |b| {
            b.iter(|| black_box(built.query_page(&page, 200, 100)))
        });
        group.bench_function(format!("page of 100 after 30 writes, {n} events"), |b| {
            b.iter(|| black_box(written.query_page(&page, 200, 100)))
        });
    }
    group.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);
