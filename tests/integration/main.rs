//! Integration tests: one binary, one module per area.

#![allow(
    clippy::print_stdout,
    reason = "tests print skips and the counts of the leak corpus and its peer"
)]

mod alignment;
mod approve_self;
mod audit_gate;
mod binary;
mod canary;
mod cli;
mod command_outputs;
mod config_errors;
mod crossplane;
mod detect_secrets_peer;
mod discovery;
mod empties;
mod formats;
mod fuzz_bodies;
mod gate_adversarial;
mod gate_batches;
mod gate_catalogue;
mod gate_crisscross;
mod gate_divergence;
mod gate_duplicates;
mod gate_identity;
mod gate_incremental;
mod gate_merges;
mod gate_objects;
mod gate_paths;
mod gate_retyped;
mod gate_review;
mod gate_signed;
mod gate_signed_trees;
mod gate_vanishing;
mod generated;
mod harness;
mod incidents;
mod includes;
mod incremental;
mod index_tree;
mod leak_corpus;
mod learnt_secrets;
mod links;
mod local_check;
mod near_misses;
mod no_repository;
mod outputs;
mod pack;
mod pack_domain;
mod placeholders;
mod policies;
mod properties;
mod realworld;
mod rendered;
mod signatures;
mod trailers_git;
mod workflows;
