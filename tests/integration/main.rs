//! Integration tests: one binary, one module per area.

mod alignment;
mod binary;
mod canary;
mod cli;
mod crossplane;
mod discovery;
mod formats;
mod gate_catalogue;
mod gate_review;
mod generated;
mod harness;
mod incidents;
mod includes;
mod links;
mod outputs;
mod pack;
mod pack_domain;
mod placeholders;
mod policies;
mod properties;
mod realworld;
mod rendered;
mod trailers_git;
mod workflows;
