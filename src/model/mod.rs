//! The format-independent model: parse trees ([`node`]), environment-name
//! normalisation ([`envtoken`]), masked values ([`value`]) and flattened,
//! comparable documents ([`flatten`]).

pub mod envtoken;
pub mod flatten;
pub mod node;
pub mod value;
