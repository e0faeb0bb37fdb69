//! driftcheck compares the configuration of environments (staging, prod, ...)
//! key by key and reports the drift that matters, without printing secrets.
//!
//! The library exists for structure and tests; its API is not stable. Data
//! flows one way:
//!
//! ```text
//! config / discover ─► env (list files) ─► load (formats::parse ─► model::document)
//!        ─► diff (align, compare, classify) ─► finding ─► report (human, json)
//! ```
//!
//! Only `env`, `load`, `config`, `discover` and `report` (through a writer it
//! is handed) touch the outside world; `model`, `secrets` and `diff` are pure.

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod env;
pub mod error;
pub mod finding;
pub mod formats;
pub mod gate;
pub mod git;
pub mod hostnames;
pub mod include;
mod layering;
pub mod load;
pub mod model;
pub mod paths;
pub mod pipeline;
pub mod policy;
pub mod progress;
pub mod recover;
pub mod registry;
pub mod render;
pub mod report;
pub mod secrets;
#[cfg(test)]
mod sizes;
pub mod source;
pub mod strict_toml;
#[cfg(test)]
mod testing;
pub mod text;
pub mod trailers;

pub use error::{Error, Result};
