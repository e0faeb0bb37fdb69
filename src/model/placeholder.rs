//! Placeholders: values that stand for a setting nobody has made yet
//! (`changeme`, `!!!SET POSTGRES_PASSWORD!!!`, `your appPrivateKey`,
//! `<your-token>`, `TODO`, `xxxx`). They are reported as
//! `drift/placeholder`, never as a reused credential: the same placeholder in
//! two environments shares nothing real.

/// Whole values (lowercase, separators removed) that are placeholders.
const WORDS: &[&str] = &[
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "replacethis",
    "todo",
    "tbd",
    "fixme",
    "placeholder",
    "setme",
    "fillme",
    "fillmein",
    "notset",
    "secretgoeshere",
    "yoursecret",
    "yourpassword",
];

/// Whether `text` is a placeholder.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'');
    if t.is_empty() || t.len() > 80 {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if WORDS.contains(&squashed.as_str()) {
        return true;
    }
    // `xxxx`, `XXXXXXXX`: four or more x and nothing else.
    if squashed.len() >= 4 && squashed.bytes().all(|b| b == b'x') && squashed.len() == t.len() {
        return true;
    }
    // cookiecutter-django: `!!!SET POSTGRES_PASSWORD!!!`.
    if t.len() > 6 && t.starts_with("!!!") && t.ends_with("!!!") {
        return true;
    }
    // `<your-token>`, `<API_KEY>`: a bracketed name, no spaces or markup inside.
    if t.len() > 2
        && t.starts_with('<')
        && t.ends_with('>')
        && t[1..t.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_ .".contains(c))
    {
        return true;
    }
    // `your appPrivateKey`, `your-api-key`, `YOUR_API_KEY`, `insert key here`.
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    matches!(words.first(), Some(&"your") if words.len() >= 2 && words.len() <= 5)
        || (matches!(words.first(), Some(&("insert" | "put" | "enter" | "add")))
            && words.last() == Some(&"here"))
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders() {
        for yes in [
            "changeme",
            "CHANGE_ME",
            "change-me",
            "!!!SET POSTGRES_PASSWORD!!!",
            "your appPrivateKey",
            "YOUR_API_KEY",
            "<your-token>",
            "xxxx",
            "TODO",
            "replaceme",
            "insert key here",
            "\"changeme\"",
        ] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in [
            "s3cr3t-Pa55",
            "druid",
            "root",
            "123456",
            "https://example.com",
            "<secret fp=abc>",
            "your",
            "yourdomain.com is great and here for you today",
            "xx",
            "<a href='x'>",
            "",
            "toddler",
        ] {
            assert!(!is_placeholder(no), "{no}");
        }
    }
}
