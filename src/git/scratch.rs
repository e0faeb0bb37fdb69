//! A private scratch directory for a revision's files, removed when dropped.
//!
//! It holds revision trees, config included: `tempfile` creates it with
//! mode 0700 under the system temp dir (not a hand-made 0755 directory).

use std::path::Path;

use crate::error::Error;

/// A directory under the system temp dir, created empty and private,
/// removed on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Create one named after `what`.
    ///
    /// # Errors
    /// When it cannot be created.
    pub fn new(what: &str) -> Result<Scratch, Error> {
        let prefix = format!("driftcheck-{what}-");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        builder
            .tempdir()
            .map(|dir| Scratch { dir })
            .map_err(|source| Error::Io {
                path: std::env::temp_dir().join(prefix),
                source,
            })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Scratch {
    /// A tree mounted at the scratch ([`crate::source`]) goes with it.
    fn drop(&mut self) {
        crate::source::unmount(self.dir.path());
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn private_and_removed() {
        use std::os::unix::fs::PermissionsExt;
        let s = Scratch::new("t").unwrap();
        let path = s.path().to_path_buf();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(s);
        assert!(!path.exists());
    }
}
