//! Extraction throughput in MB/s over a corpus of more than 1 MB per language, made from the
//! seed article and the test texts with their places, figures and days varied so that every
//! copy reads differently. The gazetteer's mention pass is part of what is measured: it is
//! part of every extraction.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventmap::extract::{ArticleText, Lang, extract};
use eventmap::gazetteer::Gazetteer;
use jiff::civil::date;

#[path = "common/corpus.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let gazetteer = Gazetteer::embedded();
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    let languages = [
        ("fr", Lang::Fr, corpus::french()),
        ("en", Lang::En, corpus::english()),
    ];
    for (name, lang, articles) in &languages {
        let bytes: usize = articles.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(
            format!("{name}, {} articles, {bytes} bytes", articles.len()),
            |b| {
                b.iter(|| {
                    let mut events = 0;
                    for text in articles {
                        let article = ArticleText {
                            text,
                            source: "bench",
                            published: Some(date(2022, 1, 7)),
                            lang: Some(*lang),
                        };
                        events += extract(gazetteer, &article)
                            .map(|x| x.events.len())
                            .unwrap_or(0);
                    }
                    black_box(events)
                })
            },
        );
    }
    group.finish();
}

/// The worst case: 1 MiB of one endless line, weekday words with dates, figures and places
/// and no full stop. Every per-sentence step is bounded (`sentences::MAX_SENTENCE`, the
/// headline check), so this is linear; it once took a minute.
fn worst_case(c: &mut Criterion) {
    let gazetteer = Gazetteer::embedded();
    let words = [
        "lundi",
        "mardi",
        "Monday",
        "Tuesday",
        "le",
        "3",
        "janvier",
        "tués",
        "manifestants",
        "Almaty",
        "et",
        "à",
    ];
    let mut text = String::with_capacity(1 << 20);
    let mut i = 0usize;
    while text.len() < 1 << 20 {
        text.push_str(words[(i * 7 + i / 5) % words.len()]);
        text.push(' ');
        i += 1;
    }
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("worst case, 1 MiB without a full stop", |b| {
        b.iter(|| {
            let article = ArticleText {
                text: &text,
                source: "bench",
                published: Some(date(2022, 1, 7)),
                lang: Some(Lang::Fr),
            };
            black_box(extract(gazetteer, &article).map(|x| x.events.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench, worst_case);
criterion_main!(benches);
