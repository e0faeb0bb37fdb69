//! Colour for the human formats, through `anstyle` (no hand-written escape
//! codes). Whether to colour at all is decided once, in the CLI, by
//! `anstream` (terminal, `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`).

use anstyle::{AnsiColor, Style};

/// What a piece of text is, for colouring.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    /// Headings and names.
    Strong,
    /// Labels (`key:`, `resource:`).
    Dim,
    /// Errors, failures.
    Error,
    /// Warnings.
    Warning,
    /// Notes.
    Note,
    /// Help, success.
    Good,
}

impl Role {
    fn style(self) -> Style {
        match self {
            Role::Strong => Style::new().bold(),
            Role::Dim => Style::new().dimmed(),
            Role::Error => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Role::Warning => Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
            Role::Note => Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
            Role::Good => Style::new().fg_color(Some(AnsiColor::Green.into())),
        }
    }
}

/// Paints text when colour is on.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to colour.
    pub on: bool,
}

impl Paint {
    /// `s` in `role`'s style (unchanged when colour is off).
    pub fn paint(self, role: Role, s: &str) -> String {
        if self.on {
            let style = role.style();
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_is_plain_and_on_resets() {
        assert_eq!(Paint { on: false }.paint(Role::Error, "x"), "x");
        let on = Paint { on: true }.paint(Role::Error, "x");
        assert!(
            on.starts_with('\u{1b}') && on.ends_with("\u{1b}[0m"),
            "{on:?}"
        );
    }
}
