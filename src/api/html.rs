//! Plain HTML views of the collections, a collection, a page of items and one item, for people
//! who open the API in a browser (`f=html` or a browser's `Accept`). Server-rendered from the
//! same JSON documents the API sends, self-contained (inline style, no script, no external
//! asset), with links to the map, the other formats and the next page.

use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The pages load nothing and run nothing: only their own inline style.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// An HTML page as a response.
pub fn response(html: String) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        ],
        html,
    )
        .into_response()
}

/// `&`, `<`, `>`, `"` and `'` as entities: text and attribute values alike.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2327}\
a{color:#0b5cad}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccd;padding:.25rem .4rem;text-align:left;vertical-align:top}\
th{background:#eef1f5;position:sticky;top:0}nav a{margin-right:1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}\
.muted{color:#667}";

/// A whole page: title, navigation, body.
fn page(title: &str, base: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · eventmap</title><style>{STYLE}</style></head><body>\
         <nav><a href=\"{b}/\">Map</a><a href=\"{b}/collections?f=html\">Collections</a>\
         <a href=\"{b}/api\">API definition</a></nav><h1>{t}</h1>{body}\
         <p class=\"muted\">Places: GeoNames (CC BY 4.0), Natural Earth. Events: eventmap extraction of the cited articles.</p>\
         </body></html>\n",
        t = esc(title),
        b = esc(base),
    )
}

/// The links of a document as a list, skipping `self`.
fn link_list(doc: &Value) -> String {
    let items: String = doc["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"] != "self")
        .map(|l| {
            let href = l["href"].as_str().unwrap_or("");
            let title = l["title"].as_str().or(l["rel"].as_str()).unwrap_or(href);
            let kind = l["type"].as_str().unwrap_or("");
            format!(
                "<li><a href=\"{}\">{}</a> <span class=\"muted\">{}</span></li>",
                esc(href),
                esc(title),
                esc(kind)
            )
        })
        .collect();
    format!("<ul>{items}</ul>")
}

/// A scalar as table text.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => esc(s),
        other => esc(&other.to_string()),
    }
}

/// `/collections?f=html`.
pub fn collections(doc: &Value, base: &str) -> String {
    let rows: String = doc["collections"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let id = c["id"].as_str().unwrap_or("");
            let b = esc(base);
            let id_e = esc(id);
            format!(
                "<tr><td><a href=\"{b}/collections/{id_e}?f=html\">{}</a></td><td>{}</td>\
                 <td><a href=\"{b}/collections/{id_e}/items?f=html\">HTML</a> · \
                 <a href=\"{b}/collections/{id_e}/items\">GeoJSON</a> · \
                 <a href=\"{b}/collections/{id_e}/items?f=csv\">CSV</a></td></tr>",
                esc(c["title"].as_str().unwrap_or(id)),
                esc(c["description"].as_str().unwrap_or("")),
            )
        })
        .collect();
    let body = format!(
        "<table><thead><tr><th>Collection</th><th>Description</th><th>Items</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    page("Collections", base, &body)
}

/// `/collections/{id}?f=html`.
pub fn collection(doc: &Value, base: &str) -> String {
    let title = doc["title"].as_str().unwrap_or("Collection");
    let bbox = &doc["extent"]["spatial"]["bbox"][0];
    let interval = &doc["extent"]["temporal"]["interval"][0];
    let id = doc["id"].as_str().unwrap_or("");
    let map = match id {
        "events" | "places" => format!("{}/", esc(base)),
        layer => format!("{}/#layers={}", esc(base), esc(layer)),
    };
    let body = format!(
        "<p>{}</p><dl><dt>Id</dt><dd>{}</dd><dt>Extent</dt><dd>{}</dd><dt>Dates</dt><dd>{} to {}</dd></dl>\
         <p><a href=\"{}/collections/{}/items?f=html\">Browse the items</a> · <a href=\"{map}\">See them on the map</a></p>{}",
        esc(doc["description"].as_str().unwrap_or("")),
        esc(id),
        cell(bbox),
        cell(&interval[0]),
        cell(&interval[1]),
        esc(base),
        esc(id),
        link_list(doc),
    );
    page(title, base, &body)
}

/// A page of items: counts, a table of the features' properties (in `columns` order, those
/// the features have), and the page's links.
pub fn items(
    doc: &Value,
    features: &[Value],
    columns: &[String],
    title: &str,
    base: &str,
) -> String {
    let present: Vec<&String> = columns
        .iter()
        .filter(|c| {
            features
                .iter()
                .any(|f| f["properties"].get(c.as_str()).is_some())
        })
        .collect();
    let head: String = present
        .iter()
        .map(|c| format!("<th>{}</th>", esc(c)))
        .collect();
    let self_href = doc["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == "collection")
        .and_then(|l| l["href"].as_str())
        .unwrap_or("");
    let rows: String = features
        .iter()
        .map(|f| {
            let id = f["id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| f["id"].to_string());
            let cells: String = present
                .iter()
                .map(|c| format!("<td>{}</td>", cell(&f["properties"][c.as_str()])))
                .collect();
            format!(
                "<tr><td><a href=\"{}/items/{}?f=html\">{}</a></td>{cells}</tr>",
                esc(self_href),
                esc(&id),
                esc(&id)
            )
        })
        .collect();
    let body = format!(
        "<p>{} matching, {} on this page.</p>{}<table><thead><tr><th>id</th>{head}</tr></thead><tbody>{rows}</tbody></table>",
        cell(&doc["numberMatched"]),
        cell(&doc["numberReturned"]),
        link_list(doc),
    );
    page(title, base, &body)
}

/// One feature: its properties, its point, and its links.
pub fn item(feature: &Value, columns: &[String], base: &str) -> String {
    let rows: String = columns
        .iter()
        .filter_map(|c| feature["properties"].get(c.as_str()).map(|v| (c, v)))
        .map(|(c, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(c), cell(v)))
        .collect();
    let point = cell(&feature["geometry"]["coordinates"]);
    let title = match (
        feature["properties"]["event_type"].as_str(),
        feature["properties"]["place"].as_str(),
    ) {
        (Some(t), Some(p)) => format!("{t} in {p}"),
        (None, Some(p)) => p.to_string(),
        _ => feature["id"].as_str().unwrap_or("Feature").to_string(),
    };
    let body = format!(
        "<dl>{rows}<dt>coordinates</dt><dd>{point}</dd></dl>{}",
        link_list(feature)
    );
    page(&title, base, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_from_the_data_is_escaped() {
        let feature = json!({
            "id": "ev-1",
            "geometry": { "coordinates": [1.0, 2.0] },
            "properties": { "place": "<script>alert('x')</script>", "notes": "a & b" },
            "links": [{ "href": "http://x/\"><b>", "rel": "collection", "title": "t" }],
        });
        let html = item(&feature, &["place".into(), "notes".into()], "http://x");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("a &amp; b"));
        assert!(html.contains("http://x/&quot;&gt;&lt;b&gt;"));
    }
}
