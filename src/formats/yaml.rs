//! YAML (placeholder while the YAML module is written).

use super::{Limits, ParseError};
use crate::model::node::Document;

/// Parse a YAML stream.
pub(crate) fn parse(_text: &str, _limits: &Limits) -> Result<Vec<Document>, ParseError> {
    Err(ParseError::new(0, None, "yaml not yet supported"))
}
