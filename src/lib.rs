//! eventmap: news text → dated, geocoded events → indexed store → OGC API – Features → MapLibre page.
//!
//! Data flows one way through the modules: [`extract`] reads text with the [`gazetteer`] into
//! [`model::Event`]s, [`index`] holds them for queries (with [`cql2`] filters), [`tiles`] draws
//! them as vector tiles, [`api`] serves them and the [`web`] assets.

pub mod api;
pub mod cql2;
pub mod eval;
pub mod extract;
pub mod fetch;
pub mod gazetteer;
pub mod index;
pub mod merge;
pub mod model;
pub mod store;
pub mod synth;
pub mod tiles;
pub mod watch;
pub mod web;
