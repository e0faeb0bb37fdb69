//! Integration tests: one binary, one module per area.

mod canary;
mod cli;
mod formats;
mod generated;
mod harness;
mod properties;
mod rendered;
