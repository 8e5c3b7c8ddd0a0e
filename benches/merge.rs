//! Merging benchmark: grouping 10⁵ stored events into merged events (see `eventmap::merge`), as
//! building the served index from the store does. Two shapes: synthetic events spread over the
//! world and a year (few merge), and a dense run where every event falls on one of 7 days at one
//! of 50 places of one country (almost every event joins a group of many sources).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use eventmap::gazetteer::Gazetteer;
use eventmap::merge::{Member, merge};
use eventmap::synth::Synth;

fn members(n: usize, dense: bool) -> Vec<Member> {
    let mut synth = Synth::new(Gazetteer::embedded(), 7);
    (0..n)
        .map(|i| {
            let mut e = synth.event();
            // Articles of 35 events, as the index bench's posted article.
            let article = (i / 35) as i64 + 1;
            e.article_id = Some(article);
            e.id = format!("a{article}-{i:012}");
            if dense {
                e.event_date = jiff::civil::date(2022, 1, 1 + (i % 7) as i8);
                e.geonameid = Some((i % 50) as u32);
                e.country_code = "KZ".into();
                e.admin1 = Some(format!("{:02}", i % 50 % 10));
            }
            Member {
                event: e,
                published: Some(jiff::civil::date(2022, 2, 1 + (article % 28) as i8)),
                source_url: Some(format!("https://news.example/{article}")),
                title: None,
            }
        })
        .collect()
}

fn merging(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    for (shape, dense) in [("spread", false), ("dense", true)] {
        let all = members(100_000, dense);
        let merged = merge(all.clone()).len();
        eprintln!("merge {shape}: 100000 events -> {merged} merged events");
        group.bench_function(format!("merge 100000 events, {shape}"), |b| {
            b.iter_batched(
                || all.clone(),
                |m| black_box(merge(m)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, merging);
criterion_main!(benches);
