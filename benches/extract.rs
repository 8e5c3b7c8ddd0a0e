//! Extraction throughput in MB/s over a corpus of more than 1 MB per language, made from the
//! seed article and the test texts with their places, figures and days varied so that every
//! copy reads differently. The gazetteer's mention pass is part of what is measured: it is
//! part of every extraction.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventmap::extract::{ArticleText, Lang, SEED_ARTICLE, extract};
use eventmap::gazetteer::Gazetteer;
use jiff::civil::date;

const OUEST_FR: &str = include_str!("../tests/fixtures/ouest-fr.txt");
const UNREST_EN: &str = include_str!("../tests/fixtures/unrest-west-en.txt");
const QUIET_EN: &str = include_str!("../tests/fixtures/quiet-en.txt");

const CORPUS_BYTES: usize = 1_200_000;

/// Swaps for each copy: a city for another spelling or city, a figure, a weekday.
const FR_VARIANTS: &[(&str, &str)] = &[
    ("Almaty", "Alma-Ata"),
    ("Atyrau", "Atyraou"),
    ("Aqtobe", "Aktioubinsk"),
    ("Ouralsk", "Oral"),
    ("Chymkent", "Taraz"),
    ("Aktaou", "Kyzylorda"),
    ("plus de 100", "environ 300"),
    ("au moins 18", "au moins 25"),
    ("Mercredi", "Jeudi"),
];
const EN_VARIANTS: &[(&str, &str)] = &[
    ("Shymkent", "Chimkent"),
    ("Taraz", "Semey"),
    ("Zhanaozen", "Janaozen"),
    ("Kyzylorda", "Oskemen"),
    ("At least 12", "More than 30"),
    ("Tuesday", "Monday"),
];

/// Articles of one language, varied, adding up to [`CORPUS_BYTES`].
fn corpus(texts: &[&str], variants: &[(&str, &str)]) -> Vec<String> {
    let mut articles = Vec::new();
    let mut bytes = 0;
    let mut copy = 0usize;
    while bytes < CORPUS_BYTES {
        let mut text = texts[copy % texts.len()].to_string();
        for (k, &(from, to)) in variants.iter().enumerate() {
            if (copy >> (k % 8)) & 1 == 1 {
                text = text.replace(from, to);
            }
        }
        bytes += text.len();
        articles.push(text);
        copy += 1;
    }
    articles
}

fn bench(c: &mut Criterion) {
    let gazetteer = Gazetteer::embedded();
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    let languages = [
        (
            "fr",
            Lang::Fr,
            corpus(&[SEED_ARTICLE, OUEST_FR], FR_VARIANTS),
        ),
        ("en", Lang::En, corpus(&[UNREST_EN, QUIET_EN], EN_VARIANTS)),
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
