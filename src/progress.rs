//! A progress line on standard error, only on a terminal and only for long
//! work (render commands, audits over many commits): pipes, CI logs and
//! reports never see it.

use std::io::{IsTerminal, Write};

/// A one-line status that rewrites itself and is erased when dropped.
pub struct Progress {
    on: bool,
}

impl Progress {
    /// Start one if standard error is a terminal and `long` says the work is long.
    pub fn start(long: bool) -> Progress {
        Progress {
            on: long && std::io::stderr().is_terminal(),
        }
    }

    /// Show `text` (escaped: it may name a file).
    pub fn show(&self, text: &str) {
        if self.on {
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[2K{}",
                crate::text::escape(text, 100)
            );
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
