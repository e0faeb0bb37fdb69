//! One module per subcommand. Each resolves its inputs, drives the library
//! stages in order, renders through [`driftcheck::report`] and returns a status.

pub mod approve_sign;
pub mod audit;
pub mod compare;
pub mod explain;
pub mod gate;
pub mod hook;
pub mod init;
pub mod trailers;
