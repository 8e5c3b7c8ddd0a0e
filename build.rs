//! Writes the gazetteer image (see `src/gazetteer/image.rs`) of the shipped data,
//! `geodata/gazetteer/places.tsv.gz`, into `OUT_DIR`, where the library embeds it. It compiles
//! the library's own parser, normaliser and matcher builder, so the embedded name keys are the
//! run-time normaliser's by construction and a gazetteer built at run time from other data
//! (`Gazetteer::from_gzip_tsv`) is built by the same code.

use std::error::Error;
use std::path::Path;

#[allow(
    dead_code,
    reason = "build.rs writes the image; the library also reads it"
)]
#[path = "src/gazetteer"]
mod gazetteer {
    pub mod data;
    pub mod flat;
    pub mod image;
    pub mod matcher;
    pub mod normalize;
    pub mod place;

    pub use place::{Place, PlaceKind};
}

fn main() -> Result<(), Box<dyn Error>> {
    const PLACES: &str = "geodata/gazetteer/places.tsv.gz";
    for input in [
        PLACES,
        "src/gazetteer/data.rs",
        "src/gazetteer/flat.rs",
        "src/gazetteer/image.rs",
        "src/gazetteer/matcher.rs",
        "src/gazetteer/normalize.rs",
        "src/gazetteer/place.rs",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    let root = std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?;
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let compressed = std::fs::read(Path::new(&root).join(PLACES))
        .map_err(|e| format!("cannot read {PLACES}: {e}"))?;
    let records = gazetteer::data::parse_gzip(&compressed)?;
    let matcher = gazetteer::matcher::build(&records)?;
    let image = gazetteer::image::write(&records, &matcher)?;
    std::fs::write(Path::new(&out).join("gazetteer.image"), image)?;
    Ok(())
}
