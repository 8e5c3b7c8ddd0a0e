//! Gazetteer benchmarks: reading the embedded image, the time until the name matcher answers,
//! and the throughput of `mentions` over a large corpus made from the seed article.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventmap::gazetteer::{Dictionaries, Gazetteer};

const ARTICLE: &str = include_str!("../geodata/articles/kazakhstan-2022-01-fr.txt");

/// About 4 MB of news-like text: the seed article repeated, each copy with its city names
/// swapped for other spellings so the matcher sees varied input.
fn corpus() -> String {
    let variants = [
        ("Almaty", "Almaty"),
        ("Almaty", "Alma-Ata"),
        ("Almaty", "Aktioubinsk"),
        ("Almaty", "Chymkent"),
        ("Almaty", "Oust-Kamenogorsk"),
        ("Almaty", "Bichkek"),
    ];
    let mut text = String::with_capacity(4_200_000);
    let mut copy = 0;
    while text.len() < 4_000_000 {
        let (from, to) = variants[copy % variants.len()];
        text.push_str(&ARTICLE.replace(from, to));
        text.push('\n');
        copy += 1;
    }
    text
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("gazetteer");
    group.sample_size(10);
    group.bench_function("load (read embedded image)", |b| {
        b.iter(|| black_box(Gazetteer::load().expect("embedded image reads")))
    });
    // What a program waits for before it can match names: the matcher is part of the image,
    // so this is the load and one lookup.
    group.bench_function("matcher ready (load, first lookup)", |b| {
        b.iter(|| {
            let gazetteer = Gazetteer::load().expect("embedded image reads");
            black_box(gazetteer.resolve("Almaty").map(|p| p.geonameid))
        })
    });
    group.finish();
}

fn mentions(c: &mut Criterion) {
    let gazetteer = Gazetteer::embedded();
    let text = corpus();
    let mut group = c.benchmark_group("gazetteer");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("mentions", |b| {
        b.iter(|| black_box(gazetteer.mentions(black_box(&text), Some("KZ"), Dictionaries::FRENCH)))
    });
    group.finish();
}

criterion_group!(benches, load, mentions);
criterion_main!(benches);
