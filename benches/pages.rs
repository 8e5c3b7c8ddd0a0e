//! Page reading throughput (pages/s and MiB/s): the fixture site's articles and live blog as
//! they are (a few KiB each), and the same pages weighed down as real news pages are (menus,
//! inline scripts and styles, long related-link lists, comment threads: about 200 KiB each).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventmap::fetch::page;

const PAGES: [&str; 4] = [
    "news/almaty-akimat-fr.html",
    "news/almaty-city-hall-en.html",
    "news/zhanaozen-fr.html",
    "live/kazakhstan-live-en.html",
];

fn fixtures() -> Vec<String> {
    PAGES
        .iter()
        .map(|p| {
            std::fs::read_to_string(format!(
                "{}/tests/fixtures/site/{p}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap_or_default()
        })
        .collect()
}

/// A page as heavy as a real one: its furniture repeated around the same article.
fn heavy(page: &str) -> String {
    let script = format!(
        "<script>{}</script>",
        "var a=[1,2,3];function f(x){return x*2}".repeat(1500)
    );
    let style = format!(
        "<style>{}</style>",
        ".nav a{color:#333;margin:0 4px}".repeat(1500)
    );
    let menu: String = (0..400)
        .map(|i| format!("<li><a href=\"/section/{i}\">Section {i}</a></li>"))
        .collect();
    let comments: String = (0..150)
        .map(|i| format!("<div class=\"comment\"><p class=\"author\">reader{i}</p><p>I read this and I have thoughts about it, number {i}.</p></div>"))
        .collect();
    page.replacen("<head>", &format!("<head>{style}{script}"), 1)
        .replacen("<body", &format!("<nav><ul>{menu}</ul></nav><body"), 1)
        .replacen(
            "</body>",
            &format!("<section class=\"comments\">{comments}</section></body>"),
            1,
        )
}

fn bench(c: &mut Criterion) {
    let light = fixtures();
    let weighed: Vec<String> = light.iter().map(|p| heavy(p)).collect();
    for (name, pages) in [("fixtures", &light), ("heavy", &weighed)] {
        let bytes: usize = pages.iter().map(String::len).sum();
        // Every page is read (a refused one would make the numbers a refusal's speed).
        let read = pages
            .iter()
            .filter(|p| page::read(p, "https://example.org/page").is_ok())
            .count();
        assert_eq!(read, pages.len(), "{name}: a page was not read");
        for (unit, throughput) in [
            ("pages", Throughput::Elements(pages.len() as u64)),
            ("bytes", Throughput::Bytes(bytes as u64)),
        ] {
            let mut group = c.benchmark_group(format!("page/{name}"));
            group.sample_size(20);
            group.throughput(throughput);
            group.bench_function(
                format!("{} pages, {bytes} bytes ({unit})", pages.len()),
                |b| {
                    b.iter(|| {
                        let read = pages
                            .iter()
                            .filter_map(|p| page::read(p, "https://example.org/page").ok())
                            .count();
                        black_box(read)
                    })
                },
            );
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
