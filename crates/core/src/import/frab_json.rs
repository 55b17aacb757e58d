//! TODO(helper): this format's importer.

use crate::draft::Draft;
use crate::error::{Error, Result};
use crate::import::ImportOptions;

pub fn parse(origin: &str, _bytes: &[u8], _options: &ImportOptions) -> Result<Draft> {
    Err(Error::Syntax { origin: origin.to_string(), line: 1, column: 1, message: "not supported yet".into() })
}
