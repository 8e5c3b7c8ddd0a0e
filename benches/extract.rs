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
    gazetteer.prepare_matching();
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

criterion_group!(benches, bench);
criterion_main!(benches);
