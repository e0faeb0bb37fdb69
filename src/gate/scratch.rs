//! A private scratch directory for a revision's files, removed when dropped.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// A directory under the system temp dir, created empty, removed on drop.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Create one named after `what`.
    ///
    /// # Errors
    /// When it cannot be created.
    pub fn new(what: &str) -> Result<Scratch, Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("driftcheck-{what}-{suffix}"));
        std::fs::create_dir(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Scratch { path })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
