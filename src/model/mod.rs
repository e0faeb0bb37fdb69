//! The format-independent model: parse trees ([`node`]), environment-name
//! normalisation ([`envtoken`]), masked values ([`value`]) and documents
//! with their identities and key paths ([`document`]).

pub mod document;
pub mod envtoken;
pub mod keypath;
pub mod lists;
pub mod node;
pub mod placeholder;
pub mod value;
