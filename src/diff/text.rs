//! Files of no known format, compared as lines: a unified diff of the masked
//! lines, environment names normalised, so only real changes show.
//!
//! Bounded: past [`MAX_DIFF_LINES`] lines on a side no diff is computed, only
//! how many lines differ (a linear count); below it the diff runs with a
//! [`DEADLINE`] after which `similar` falls back to a coarser (still correct)
//! diff, so hostile inputs (100k differing lines) cost seconds, not minutes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use similar::TextDiff;

/// Above this many lines on either side, count differing lines instead of diffing.
pub const MAX_DIFF_LINES: usize = 20_000;

/// The time one file's diff may take before it is made coarse.
pub const DEADLINE: Duration = Duration::from_secs(2);

use crate::finding::{Finding, Rule, Site};
use crate::model::value::Value;

/// Compare the text of one file across environments (`None`: absent there).
/// Every environment present is diffed against the first one present.
pub fn compare(names: &[String], key: &str, files: &[Option<(&str, &[Value])>]) -> Option<Finding> {
    let present: Vec<usize> = (0..files.len()).filter(|&i| files[i].is_some()).collect();
    let &first = present.first()?;
    let (file, first_lines) = files[first].expect("present");
    let norm = |lines: &[Value]| {
        lines
            .iter()
            .map(|l| format!("{}\n", l.norm()))
            .collect::<String>()
    };
    let base = norm(first_lines);
    let mut diffs = String::new();
    let mut sites: Vec<(String, Option<Site>)> = Vec::new();
    let mut first_diff_line = 0;
    for &i in &present[1..] {
        let (other_file, lines) = files[i].expect("present");
        let text = norm(lines);
        if text == base {
            continue;
        }
        if first_lines.len() > MAX_DIFF_LINES || lines.len() > MAX_DIFF_LINES {
            let n = lines_differing(first_lines, lines);
            diffs.push_str(&format!(
                "--- {} ({})\n+++ {} ({})\n{n} lines differ (too large to show a diff)\n",
                file, names[first], other_file, names[i]
            ));
            first_diff_line = first_diff_line.max(1);
            sites.push((
                names[i].clone(),
                Some(Site {
                    file: other_file.to_string(),
                    line: 1,
                    value: None,
                }),
            ));
            continue;
        }
        let diff = TextDiff::configure()
            .deadline(Instant::now() + DEADLINE)
            .diff_lines(&base, &text);
        let header = (
            format!("{} ({})", file, names[first]),
            format!("{} ({})", other_file, names[i]),
        );
        diffs.push_str(
            &diff
                .unified_diff()
                .context_radius(2)
                .header(&header.0, &header.1)
                .to_string(),
        );
        let (a, b) = first_difference(&diff);
        if first_diff_line == 0 {
            first_diff_line = a;
        }
        sites.push((
            names[i].clone(),
            Some(Site {
                file: other_file.to_string(),
                line: b,
                value: None,
            }),
        ));
    }
    if diffs.is_empty() {
        return None;
    }
    sites.insert(
        0,
        (
            names[first].clone(),
            Some(Site {
                file: file.to_string(),
                line: first_diff_line,
                value: None,
            }),
        ),
    );
    let mut f = Finding::builtin(Rule::Value, "text differs".to_string(), key.to_string());
    f.envs = sites;
    f.diff = Some(diffs);
    Some(f)
}

/// How many lines are in one side and not the other (as multisets): linear.
fn lines_differing(a: &[Value], b: &[Value]) -> usize {
    let mut count: HashMap<&str, i64> = HashMap::new();
    for l in a {
        *count.entry(l.norm()).or_default() += 1;
    }
    for l in b {
        *count.entry(l.norm()).or_default() -= 1;
    }
    count.values().map(|c| c.unsigned_abs() as usize).sum()
}

/// 1-based lines of the first changed line on each side.
fn first_difference(diff: &TextDiff<'_, '_, '_, str>) -> (u32, u32) {
    for op in diff.ops() {
        if op.tag() != similar::DiffTag::Equal {
            let o = op.old_range().start as u32 + 1;
            let n = op.new_range().start as u32 + 1;
            return (o, n);
        }
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::{Secrecy, ValueKind};

    fn lines(text: &str) -> Vec<Value> {
        text.lines()
            .map(|l| Value::new(ValueKind::Str, l.to_string(), None, Secrecy::Public))
            .collect()
    }

    fn time(n: usize) -> Duration {
        let a: String = (0..n).map(|i| format!("a{i}\n")).collect();
        let b: String = (0..n).map(|i| format!("b{i}\n")).collect();
        let (a, b) = (lines(&a), lines(&b));
        let names = vec!["x".to_string(), "y".to_string()];
        let start = Instant::now();
        let f = compare(&names, "k", &[Some(("f", &a[..])), Some(("f", &b[..]))]).unwrap();
        assert!(f.diff.is_some());
        start.elapsed()
    }

    #[test]
    fn large_texts_are_counted_not_diffed_and_time_stays_linear() {
        let names = vec!["x".to_string(), "y".to_string()];
        let a = lines(&"x\n".repeat(MAX_DIFF_LINES + 5));
        let b = lines(&"y\n".repeat(MAX_DIFF_LINES + 5));
        let f = compare(&names, "k", &[Some(("f", &a[..])), Some(("f", &b[..]))]).unwrap();
        let d = f.diff.unwrap();
        assert!(
            d.contains(&format!("{} lines differ", 2 * (MAX_DIFF_LINES + 5))),
            "{d}"
        );
        // Hostile shape: every line differs. n and 4n within a small factor
        // (a quadratic diff would take 16x).
        let small = time(MAX_DIFF_LINES / 4).max(Duration::from_millis(20));
        let big = time(MAX_DIFF_LINES * 4);
        assert!(big < small * 12 + DEADLINE, "{small:?} vs {big:?}");
    }
}
