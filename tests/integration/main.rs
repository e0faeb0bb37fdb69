//! Integration tests: one binary, one module per area.

mod canary;
mod cli;
mod crossplane;
mod empties;
mod formats;
mod gate_catalogue;
mod gate_merges;
mod gate_paths;
mod gate_review;
mod generated;
mod harness;
mod incidents;
mod includes;
mod local_check;
mod outputs;
mod pack;
mod policies;
mod properties;
mod realworld;
mod rendered;
mod signatures;
mod trailers_git;
mod workflows;
