//! Files of no known format, compared as lines: a unified diff of the masked
//! lines, environment names normalised, so only real changes show.

use similar::TextDiff;

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
        let diff = TextDiff::from_lines(&base, &text);
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
