//! Reading `driftcheck.toml` through the strict reader policy files use
//! ([`crate::strict_toml`]): every key asked for by name and type, unknown
//! keys reported with "did you mean", and every problem of the file
//! collected before the run stops, each with line, column and the source
//! line for a caret. `[review]` is checked here too, as far as the file
//! alone can tell (types, enumerations, `required` ≥ 1, trailer keys,
//! reviewer forms, `@group`s declared, glob syntax); what needs the tree
//! (anchoring `../` globs) is checked by the gate, which reads the base.
//!
//! Messages never quote a value: a `render` argument or a mistyped key may
//! hold a credential.

use std::collections::BTreeMap;
use std::path::Path;

use toml::de::DeTable;

use super::{Config, EnvConfig, RawReview, RawReviewRule};
use crate::diagnostic::CONFIG;
use crate::env::{Selection, glob_set};
use crate::error::{Error, did_you_mean};
use crate::formats::{Format, FormatOverrides};
use crate::strict_toml::{Sink, Table};

const TOP: [&str; 6] = ["policies", "baseline", "env", "formats", "policy", "review"];
const ENV: [&str; 7] = [
    "root",
    "include",
    "exclude",
    "aliases",
    "layers",
    "render",
    "render_timeout",
];
const POLICY: [&str; 2] = ["builtin", "disable"];
const REVIEW: [&str; 10] = [
    "paths",
    "trailers",
    "required",
    "reviewers",
    "bind",
    "groups",
    "rule",
    "local",
    "signers",
    "signed",
];
const RULE: [&str; 3] = ["paths", "required", "reviewers"];

/// Parse and validate config text read from `path`.
///
/// # Errors
/// [`Error::Invalid`] with every problem found.
pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
    let file = path.display().to_string();
    let mut sink = Sink::new(CONFIG, &file, text);
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let first = e.message().lines().next().unwrap_or("invalid TOML").trim();
            sink.error(
                e.span().map_or(0, |s| s.start),
                format!("invalid TOML: {first}"),
            );
            return Err(Error::Invalid {
                problems: sink.problems,
            });
        }
    };
    let mut top = Table::new(table.get_ref(), 0, String::new());
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let policies = strings(&mut sink, &mut top, "policies");
    let baseline = top.string(&mut sink, "baseline").map(|(b, _)| root.join(b));
    let envs: Vec<(EnvConfig, usize)> = top
        .named_tables(&mut sink, "env")
        .into_iter()
        .filter_map(|(name, _, t)| {
            let at = t.at;
            env(&mut sink, &root, name, t).map(|e| (e, at))
        })
        .collect();
    distinct(&mut sink, &root, &envs);
    let envs = envs.into_iter().map(|(e, _)| e).collect();
    let formats = formats(&mut sink, &mut top, &file);
    let policy = match top.table(&mut sink, "policy") {
        Some(mut t) => {
            let settings = crate::policy::Settings {
                builtin: t.boolean(&mut sink, "builtin").is_none_or(|(b, _)| b),
                disable: strings(&mut sink, &mut t, "disable"),
            };
            t.finish(&mut sink, &POLICY);
            settings
        }
        None => crate::policy::Settings {
            builtin: true,
            disable: Vec::new(),
        },
    };
    let review = top.table(&mut sink, "review").map(|t| review(&mut sink, t));
    top.finish(&mut sink, &TOP);
    if !sink.problems.is_empty() {
        let mut problems = sink.problems;
        problems.sort_by_key(|p| (p.line, p.column));
        return Err(Error::Invalid { problems });
    }
    Ok(Config {
        path: path.to_path_buf(),
        root,
        envs,
        formats,
        policies,
        baseline,
        policy,
        review,
        text: text.to_string(),
    })
}

/// What an environment reads: its sources, lexically normalised, and for a
/// root its filters. Render environments read nothing the config names.
fn reads(e: &EnvConfig) -> Option<(Vec<std::path::PathBuf>, Vec<String>, Vec<String>)> {
    match &e.selection {
        Selection::Root {
            dir,
            include,
            exclude,
        } => Some((
            vec![crate::env::lexical(dir)],
            include.clone(),
            exclude.clone(),
        )),
        Selection::Files(files) | Selection::Layers(files) => Some((
            files.iter().map(|f| crate::env::lexical(f)).collect(),
            Vec::new(),
            Vec::new(),
        )),
        Selection::Render { .. } => None,
    }
}

/// No two environments read the same files: comparing an environment with
/// itself finds nothing and passes. This is a property of the file alone,
/// so it is checked here, where every reader of a config passes (the
/// working tree's, and the gate's base and head read from git), not by one
/// command's set-up.
fn distinct(sink: &mut Sink<'_>, root: &Path, envs: &[(EnvConfig, usize)]) {
    let all: Vec<_> = envs
        .iter()
        .filter_map(|(e, at)| reads(e).map(|r| (e.name.as_str(), r, *at)))
        .collect();
    for (i, (a, ra, at)) in all.iter().enumerate() {
        if let Some((b, _, _)) = all[..i].iter().find(|(_, rb, _)| rb == ra) {
            let top = crate::env::lexical(root);
            let shown: Vec<String> = ra.0.iter().map(|p| crate::env::relative(p, &top)).collect();
            sink.error(
                *at,
                format!(
                    "[env.{b}] and [env.{a}] read the same files ({}): comparing an environment with itself finds nothing",
                    shown.join(", ")
                ),
            );
        }
    }
}

/// An optional list of strings (strings only), values only.
fn strings(sink: &mut Sink<'_>, t: &mut Table<'_, '_>, key: &'static str) -> Vec<String> {
    t.strings(sink, key)
        .unwrap_or_default()
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

/// Each glob checked where it is written.
fn globs(sink: &mut Sink<'_>, list: &[(String, usize)], what: &str) {
    for (g, at) in list {
        if let Err(e) = globset::Glob::new(g) {
            sink.error(*at, format!("{what}: invalid glob: {}", e.kind()));
        }
    }
}

fn env(sink: &mut Sink<'_>, root: &Path, name: String, mut t: Table<'_, '_>) -> Option<EnvConfig> {
    let head = t.at;
    let what = t.what.clone();
    // A key written with the wrong type is reported once, as that.
    let written = ["root", "layers", "render"].iter().any(|k| t.has(k));
    let dir = t.string(sink, "root");
    let include = t.strings(sink, "include").unwrap_or_default();
    let exclude = t.strings(sink, "exclude").unwrap_or_default();
    let aliases = t.strings(sink, "aliases").unwrap_or_default();
    let layers = t.strings(sink, "layers");
    let render = t.strings(sink, "render");
    let timeout = t.string(sink, "render_timeout");
    t.finish(sink, &ENV);
    globs(sink, &include, &format!("{what} include"));
    globs(sink, &exclude, &format!("{what} exclude"));
    // An alias replaces whole words of every value: one or two letters
    // (`n`, `p`) would rewrite the `n` of `\n` and every `p` word.
    for (a, at) in &aliases {
        if a.chars().count() < 3 {
            sink.error(*at, format!("{what}: an alias must have 3 characters at least: a shorter one would rewrite that word in every value"));
        }
    }
    let values = |list: Vec<(String, usize)>| list.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    let selection = match (dir, layers, render) {
        (Some((r, _)), None, None) => {
            if let Some((_, at)) = timeout {
                sink.error(at, format!("{what}: `render_timeout` goes with `render`"));
            }
            Selection::Root {
                dir: root.join(r),
                include: values(include),
                exclude: values(exclude),
            }
        }
        (None, Some(layers), None) if !layers.is_empty() => {
            Selection::Layers(layers.iter().map(|(l, _)| root.join(l)).collect())
        }
        (None, None, Some(argv)) if !argv.is_empty() => {
            let timeout = match timeout {
                None => crate::render::DEFAULT_TIMEOUT,
                Some((t, at)) => crate::render::parse_timeout(&t).unwrap_or_else(|| {
                    sink.error(at, format!("{what}: `render_timeout` is not a duration like \"30s\", \"2m\" or \"500ms\""));
                    crate::render::DEFAULT_TIMEOUT
                }),
            };
            Selection::Render {
                argv: values(argv),
                timeout,
            }
        }
        (None, Some(_), None) => {
            sink.error(head, format!("{what}: `layers` is empty"));
            return None;
        }
        (None, None, Some(_)) => {
            sink.error(head, format!("{what}: `render` is empty"));
            return None;
        }
        (None, None, None) => {
            if !written {
                sink.error(
                    head,
                    format!("{what} needs `root` (or `layers` / `render`)"),
                );
            }
            return None;
        }
        _ => {
            sink.error(
                head,
                format!("{what}: give only one of `root`, `layers` and `render`"),
            );
            return None;
        }
    };
    Some(EnvConfig {
        name,
        aliases: values(aliases),
        selection,
    })
}

fn formats(sink: &mut Sink<'_>, top: &mut Table<'_, '_>, file: &str) -> FormatOverrides {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    let mut globs_ok = Vec::new();
    let mut formats = Vec::new();
    for (glob, at, name, name_at) in top.string_map(sink, "formats") {
        let Some(f) = Format::from_name(&name) else {
            let hint = did_you_mean(&name, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            sink.error(
                name_at,
                format!(
                    "[formats]: unknown format{hint}; known: {}",
                    names.join(", ")
                ),
            );
            continue;
        };
        if let Err(e) = globset::Glob::new(&glob) {
            sink.error(at, format!("[formats]: invalid glob: {}", e.kind()));
            continue;
        }
        globs_ok.push(glob);
        formats.push(f);
    }
    // Every glob parsed above: building the set cannot fail but on size.
    let set = glob_set(&globs_ok, file).unwrap_or_else(|_| globset::GlobSet::empty());
    FormatOverrides::new(set, formats)
}

/// `[review]`: each field read and checked where it is read, then the
/// checks between fields (`signed = "required"` needs `signers`).
fn review(sink: &mut Sink<'_>, mut t: Table<'_, '_>) -> RawReview {
    let head = t.at;
    let paths = t.strings(sink, "paths");
    let trailers = t.strings(sink, "trailers");
    let required = t.count(sink, "required");
    let reviewers = t.strings(sink, "reviewers");
    let bind = t.string(sink, "bind");
    let local = t.string(sink, "local");
    let signers = t.string(sink, "signers");
    let signed = t.string(sink, "signed");
    let groups = review_groups(sink, &mut t);
    let rules: Vec<RawReviewRule> = t
        .array_of_tables(sink, "rule")
        .into_iter()
        .map(|r| review_rule(sink, r, &groups))
        .collect();
    t.finish(sink, &REVIEW);
    let what = "[review]";
    if let Some(p) = &paths {
        globs(sink, p, "[review] paths");
    }
    at_least_one(sink, required, what);
    reviewer_forms(sink, reviewers.as_deref(), head, &groups, what);
    if let Some(list) = &trailers {
        trailer_keys(sink, head, list);
    }
    one_of(sink, bind.as_ref(), &["digest", "commit"], "[review] bind");
    one_of(sink, local.as_ref(), &["warn", "block"], "[review] local");
    one_of(
        sink,
        signed.as_ref(),
        &["required", "optional"],
        "[review] signed",
    );
    if matches!(&signed, Some((s, _)) if s == "required") && signers.is_none() {
        sink.error(
            head,
            "[review]: `signed = \"required\"` needs `signers` (an allowed_signers file)",
        );
    }
    let values =
        |l: Option<Vec<(String, usize)>>| l.map(|l| l.into_iter().map(|(s, _)| s).collect());
    RawReview {
        paths: values(paths),
        trailers: values(trailers),
        required: required.map(|(n, _)| n),
        reviewers: values(reviewers),
        bind: bind.map(|(b, _)| b),
        groups,
        rule: rules,
        local: local.map(|(l, _)| l),
        signers: signers.map(|(s, _)| s),
        signed: signed.map(|(s, _)| s),
    }
}

/// `[review.groups]`: named lists of members, each an email.
fn review_groups(sink: &mut Sink<'_>, t: &mut Table<'_, '_>) -> BTreeMap<String, Vec<String>> {
    t.string_lists(sink, "groups")
        .into_iter()
        .map(|(name, _, members)| {
            for (m, at) in &members {
                if !m.contains('@') || m.starts_with('@') {
                    sink.error(*at, "[review.groups]: a member must be an email");
                }
            }
            (name, members.into_iter().map(|(m, _)| m).collect())
        })
        .collect()
}

/// One `[[review.rule]]`: `paths` (required, valid globs), `required` and
/// `reviewers` (emails or groups of `[review.groups]`).
fn review_rule(
    sink: &mut Sink<'_>,
    mut r: Table<'_, '_>,
    groups: &BTreeMap<String, Vec<String>>,
) -> RawReviewRule {
    let what = r.what.clone();
    let at = r.at;
    let paths = r.strings(sink, "paths");
    let required = r.count(sink, "required");
    let reviewers = r.strings(sink, "reviewers");
    r.finish(sink, &RULE);
    match &paths {
        None => sink.error(at, format!("{what}: `paths` is required")),
        Some(p) if p.is_empty() => sink.error(at, format!("{what}: `paths` is empty")),
        Some(p) => globs(sink, p, &format!("{what} paths")),
    }
    at_least_one(sink, required, &what);
    reviewer_forms(sink, reviewers.as_deref(), at, groups, &what);
    RawReviewRule {
        paths: paths
            .unwrap_or_default()
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
        required: required.map(|(n, _)| n),
        reviewers: reviewers.map(|l| l.into_iter().map(|(r, _)| r).collect()),
    }
}

/// `[review] trailers`: not empty (no sign-off could count), and each key
/// a valid trailer key.
fn trailer_keys(sink: &mut Sink<'_>, head: usize, list: &[(String, usize)]) {
    if list.is_empty() {
        sink.error(
            head,
            "[review]: `trailers` is empty: no sign-off could count",
        );
    }
    for (k, at) in list {
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            sink.error(
                *at,
                "[review]: a trailer key is letters, digits and `-` only",
            );
        }
    }
}

fn at_least_one(sink: &mut Sink<'_>, n: Option<(u32, usize)>, what: &str) {
    if let Some((0, at)) = n {
        sink.error(at, format!("{what}: `required` must be at least 1"));
    }
}

/// `reviewers` (of `[review]` or a `[[review.rule]]`): each an email or a
/// declared `@group`.
///
/// Rule: an explicit reviewer list never means "anyone". Omitting
/// `reviewers` is the way to say "any peer"; a list that is empty, or names
/// only groups with no members, would otherwise read as that default and
/// silently widen who may approve (a head config could land it with the
/// base's sign-offs, then anyone approves everything). Both are errors.
fn reviewer_forms(
    sink: &mut Sink<'_>,
    list: Option<&[(String, usize)]>,
    table_at: usize,
    groups: &BTreeMap<String, Vec<String>>,
    what: &str,
) {
    let Some(list) = list else { return };
    let nobody = list.iter().all(|(r, _)| {
        r.strip_prefix('@')
            .is_some_and(|g| groups.get(g).is_some_and(Vec::is_empty))
    });
    if nobody {
        sink.error(
            list.first().map_or(table_at, |(_, at)| *at),
            format!("{what}: `reviewers` names nobody; omit it to allow any peer"),
        );
    }
    for (r, at) in list {
        if let Some(group) = r.strip_prefix('@') {
            if !groups.contains_key(group) {
                let hint = did_you_mean(group, groups.keys().map(String::as_str))
                    .map(|s| format!(" (did you mean `@{s}`?)"))
                    .unwrap_or_default();
                sink.error(
                    *at,
                    format!(
                        "{what}: unknown group `@{group}`{hint}; declare it in [review.groups]"
                    ),
                );
            }
        } else if !r.contains('@') {
            sink.error(
                *at,
                format!("{what}: a reviewer is an email or an `@group`"),
            );
        }
    }
}

/// `value` is one of `allowed`, else a problem with "did you mean".
fn one_of(sink: &mut Sink<'_>, value: Option<&(String, usize)>, allowed: &[&str], what: &str) {
    let Some((v, at)) = value else { return };
    if allowed.contains(&v.as_str()) {
        return;
    }
    let hint = did_you_mean(v, allowed.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let quoted: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
    sink.error(
        *at,
        format!("{what}: expected {}{hint}", quoted.join(" or ")),
    );
}
