//! Finding environments when there is no `driftcheck.toml` (SPEC §3, and the
//! rules in docs/discovery.md): `diff A B` without a config and `init`.
//!
//! The repository is walked once for config-like files ([`scan`]). Every
//! *group* of environment-paired config is found:
//! - a **directory group**: sibling directories named after environments at
//!   the same depth, under parents that differ only by environment-like names
//!   (`overlays/{env}`, `clusters/{env}`, `{env}/us-east-1/{env}`); a
//!   directory holding another group's members is not itself a group, shared
//!   directories (`base`, `common`) and kustomize Components never are;
//! - a **file group**: files that differ only by one environment word of
//!   their name, in the same directory (`nginx/{env}.conf`,
//!   `mall-admin/…/application-{env}.yml`), outside directory groups.
//!
//! Each group is keyed by its own path, so two charts' `values-prod.yaml`
//! never pair with each other. The groups whose environments are the ones
//! asked for (or, for `init`, the largest compatible set) are all compared;
//! the others are listed, never dropped silently. When nothing fits, the
//! error lists every candidate group.

mod kustomize;
mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::EnvConfig;
use crate::env::Selection;
use crate::error::Error;
use crate::model::envtoken::canonical;

pub use scan::{ENV_WORDS, config_like};
use scan::{Scan, env_like, env_word, words};

/// One environment's part of a group: a directory or a file.
#[derive(Debug, Clone)]
struct Member {
    /// The environment name as it is spelled here (`stage`, `prod-us`, `local`).
    env: String,
    /// Repository-relative path.
    path: String,
}

/// Environment-paired config: one member per environment.
#[derive(Debug, Clone)]
struct Group {
    /// The path with the environment written `{env}`.
    pattern: String,
    /// Directories (`true`) or files.
    dir: bool,
    members: Vec<Member>,
    /// Config files in the group, for choosing the main set.
    files: usize,
}

impl Group {
    fn classes(&self) -> BTreeSet<String> {
        self.members.iter().map(|m| canonical(&m.env)).collect()
    }

    fn describe(&self) -> String {
        let envs: Vec<&str> = self.members.iter().map(|m| m.env.as_str()).collect();
        format!("`{}` ({})", self.pattern, envs.join(", "))
    }
}

/// What discovery decided: the environments, what to guard, what to tell the user.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The environments, in a stable order.
    pub envs: Vec<EnvConfig>,
    /// Repository-relative globs the compared config comes from (for `[review] paths`).
    pub review: Vec<String>,
    /// Things the user should know: groups not compared, a renderer missing.
    pub notes: Vec<String>,
}

/// Discover `names` under `repo_root` (for `diff A B` without a config).
///
/// # Errors
/// When no group of config holds all of them: the message lists the candidates.
pub fn discover(repo_root: &Path, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
    plan(repo_root, names).map(|p| p.envs)
}

/// Discover the environments `names`, or when empty the largest set found.
///
/// # Errors
/// When fewer than two environments are found, or no group holds all names.
pub fn plan(repo_root: &Path, names: &[String]) -> Result<Discovery, Error> {
    // Discovery scans a real directory: a mounted revision is written out.
    crate::source::realize(repo_root).map_err(|(path, source)| Error::Io { path, source })?;
    let scan = Scan::walk(repo_root);
    let mut notes = Vec::new();
    let groups = find_groups(repo_root, &scan, &mut notes);
    let (chosen, others, classes) = choose(&groups, names);
    if chosen.is_empty() || classes.len() < 2 {
        return Err(nothing(repo_root, names, &groups));
    }
    for g in &others {
        notes.push(format!(
            "not compared: {} (other environments than {})",
            g.describe(),
            classes.join(", ")
        ));
    }
    let spelling = spellings(&chosen, names);
    let mut plan = Discovery {
        notes,
        ..Discovery::default()
    };
    let single_dir = chosen.len() == 1 && chosen[0].dir;
    let overlays = single_dir
        && chosen[0]
            .members
            .iter()
            .all(|m| kustomize::is_overlay(&repo_root.join(&m.path)));
    if overlays {
        let renderable = kustomize::renderer(".").is_some();
        if !renderable {
            plan.notes.push(format!(
                "kustomize overlays {} are compared as files: install kubectl or kustomize to compare what they build",
                chosen[0].describe()
            ));
        }
    }
    if !single_dir {
        for g in chosen.iter().filter(|g| {
            g.dir
                && g.members
                    .iter()
                    .all(|m| kustomize::is_overlay(&repo_root.join(&m.path)))
        }) {
            plan.notes.push(format!(
                "kustomize overlays {} are compared as files (one of several groups): declare `render = [\"kubectl\", \"kustomize\", DIR]` environments to compare what they build",
                g.describe()
            ));
        }
    }
    let mut review: BTreeSet<String> = BTreeSet::new();
    for class in &classes {
        let name = spelling
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.clone());
        let members: Vec<(&Group, &Member)> = chosen
            .iter()
            .filter_map(|g| {
                g.members
                    .iter()
                    .find(|m| &canonical(&m.env) == class)
                    .map(|m| (*g, m))
            })
            .collect();
        let layout = Layout {
            repo_root,
            scan: &scan,
            chosen: &chosen,
            single_dir,
            overlays,
        };
        let selection = layout.selection(&members, &mut review);
        plan.envs.push(EnvConfig {
            aliases: aliases(&name),
            name,
            selection,
        });
    }
    plan.review = narrowed(review);
    Ok(plan)
}

/// Review globs without those a guarded directory covers already.
fn narrowed(review: BTreeSet<String>) -> Vec<String> {
    let dirs: Vec<String> = review
        .iter()
        .filter_map(|g| g.strip_suffix("/**").map(|d| format!("{d}/")))
        .collect();
    review
        .into_iter()
        .filter(|g| !dirs.iter().any(|d| covered(g, d)))
        .collect()
}

/// What decides how each environment is selected.
struct Layout<'p> {
    repo_root: &'p Path,
    scan: &'p Scan,
    chosen: &'p [&'p Group],
    /// One directory group alone: roots (or renders).
    single_dir: bool,
    /// ... whose members are kustomize overlays.
    overlays: bool,
}

impl Layout<'_> {
    /// One environment's selection from its members, adding what it reads to `review`.
    fn selection(&self, members: &[(&Group, &Member)], review: &mut BTreeSet<String>) -> Selection {
        let repo_root = self.repo_root;
        if let Some(base) = layered_base(repo_root, self.chosen, members[0].1) {
            // One file group over a base file (`values.yaml` under
            // `values-prod.yaml`, `application.yml` under `application-prod.yml`):
            // the environment is the base overlaid by its own file.
            review.insert(relative_to(&base, repo_root));
            review.insert(members[0].1.path.clone());
            Selection::Layers(vec![base, repo_root.join(&members[0].1.path)])
        } else if self.single_dir {
            let m = members[0].1;
            review.insert(format!("{}/**", m.path));
            match self
                .overlays
                .then(|| kustomize::renderer(&m.path))
                .flatten()
            {
                Some(argv) => {
                    review.extend(kustomize::inputs(repo_root, &repo_root.join(&m.path)));
                    Selection::Render {
                        argv,
                        timeout: crate::render::DEFAULT_TIMEOUT,
                    }
                }
                None => Selection::Root {
                    dir: repo_root.join(&m.path),
                    include: Vec::new(),
                    exclude: Vec::new(),
                },
            }
        } else {
            let mut files = Vec::new();
            for (g, m) in members {
                if g.dir {
                    review.insert(format!("{}/**", m.path));
                    review.extend(kustomize::inputs(repo_root, &repo_root.join(&m.path)));
                    let prefix = format!("{}/", m.path);
                    files.extend(
                        self.scan
                            .files
                            .iter()
                            .filter(|f| f.starts_with(&prefix))
                            .map(|f| repo_root.join(f)),
                    );
                } else {
                    review.insert(m.path.clone());
                    files.push(repo_root.join(&m.path));
                }
            }
            Selection::Files(files)
        }
    }
}

/// The base file a lone file group overlays, when it exists: the member's
/// name without its environment word and one separator next to it.
fn layered_base(repo_root: &Path, chosen: &[&Group], m: &Member) -> Option<std::path::PathBuf> {
    let [g] = chosen else { return None };
    if g.dir {
        return None;
    }
    let at = g.pattern.rfind("{env}")?;
    let (before, after) = (&g.pattern[..at], &g.pattern[at + "{env}".len()..]);
    let base = if let Some(b) = before.strip_suffix(['-', '_', '.']) {
        format!("{b}{after}")
    } else if let Some(a) = after.strip_prefix(['-', '_']) {
        format!("{before}{a}")
    } else {
        return None;
    };
    let name = base.rsplit('/').next().unwrap_or(&base);
    if name.is_empty() || name.starts_with('.') && !name.starts_with(".env") || base == m.path {
        return None;
    }
    let path = repo_root.join(&base);
    path.is_file().then_some(path)
}

fn relative_to(p: &Path, root: &Path) -> String {
    crate::env::relative(p, root)
}

/// Whether glob `g` is inside directory `d` (`d` ends with `/`) and is not `d/**` itself.
fn covered(g: &str, d: &str) -> bool {
    g.starts_with(d) && g != format!("{d}**")
}

/// The environment-like first word of a compound name (`prod` of `prod-us`):
/// Kubernetes namespaces and hostnames often use it alone.
fn aliases(name: &str) -> Vec<String> {
    let w = words(name);
    match w.first() {
        Some(&(s, e)) if w.len() > 1 && env_word(&name[s..e]) => vec![name[s..e].to_string()],
        _ => Vec::new(),
    }
}

/// Every directory group and file group in the scan.
fn find_groups(repo_root: &Path, scan: &Scan, notes: &mut Vec<String>) -> Vec<Group> {
    let mut by_shape: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in scan.dirs.keys() {
        let last = dir.rsplit('/').next().unwrap_or(dir);
        if !env_like(last) {
            continue;
        }
        if kustomize::is_component(&repo_root.join(dir)) {
            continue;
        }
        let shape: Vec<&str> = dir
            .split('/')
            .map(|c| if env_like(c) { "{env}" } else { c })
            .collect();
        by_shape
            .entry(shape.join("/"))
            .or_default()
            .push(dir.clone());
    }
    let mut dir_groups: Vec<Group> = by_shape
        .into_iter()
        .filter_map(|(pattern, dirs)| dir_group(repo_root, scan, pattern, dirs))
        .collect();
    // A group whose members hold another group's members is an account or
    // region level above the environments, not the environments.
    let all: Vec<String> = dir_groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.path.clone()))
        .collect();
    dir_groups.retain(|g| {
        let outer = g.members.iter().any(|m| {
            let prefix = format!("{}/", m.path);
            all.iter().any(|p| p.starts_with(&prefix))
        });
        if outer {
            notes.push(format!(
                "not compared: {}: it holds other environment directories",
                g.describe()
            ));
        }
        !outer
    });
    let inside: Vec<String> = dir_groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| format!("{}/", m.path)))
        .collect();
    let mut by_pattern: BTreeMap<String, Vec<Member>> = BTreeMap::new();
    for f in &scan.files {
        if inside.iter().any(|p| f.starts_with(p)) {
            continue;
        }
        let (dir, name) = f.rsplit_once('/').map_or(("", f.as_str()), |(d, n)| (d, n));
        for (s, e) in words(name) {
            if !env_word(&name[s..e]) {
                continue;
            }
            let sep = if dir.is_empty() { "" } else { "/" };
            let pattern = format!("{dir}{sep}{}{{env}}{}", &name[..s], &name[e..]);
            by_pattern.entry(pattern).or_default().push(Member {
                env: name[s..e].to_string(),
                path: f.clone(),
            });
        }
    }
    let file_groups = by_pattern.into_iter().filter_map(|(pattern, members)| {
        let distinct: BTreeSet<String> = members.iter().map(|m| canonical(&m.env)).collect();
        let files = members.len();
        (distinct.len() >= 2 && distinct.len() == files).then_some(Group {
            pattern,
            dir: false,
            files,
            members,
        })
    });
    dir_groups.extend(file_groups);
    dir_groups
}

/// A directory group from the directories of one shape, with their siblings
/// that hold the same files under a name that is not a known environment word
/// (`envs/blue` next to `envs/prod`).
fn dir_group(repo_root: &Path, scan: &Scan, pattern: String, dirs: Vec<String>) -> Option<Group> {
    let mut members: Vec<Member> = dirs
        .iter()
        .map(|d| Member {
            env: env_name(d),
            path: d.clone(),
        })
        .collect();
    let distinct: BTreeSet<String> = members.iter().map(|m| canonical(&m.env)).collect();
    if distinct.len() < 2 || distinct.len() != members.len() {
        return None;
    }
    let known: BTreeSet<&String> = dirs
        .iter()
        .flat_map(|d| scan.dirs.get(d).into_iter().flatten())
        .collect();
    let parents: BTreeSet<&str> = dirs
        .iter()
        .map(|d| d.rsplit_once('/').map_or("", |(p, _)| p))
        .collect();
    for (dir, files) in &scan.dirs {
        let (parent, last) = dir
            .rsplit_once('/')
            .map_or(("", dir.as_str()), |(p, l)| (p, l));
        if parents.contains(parent)
            && !env_like(last)
            && !scan::shared_dir(last)
            && files.iter().any(|f| known.contains(f))
            && !kustomize::is_component(&repo_root.join(dir))
        {
            members.push(Member {
                env: env_name(dir),
                path: dir.clone(),
            });
        }
    }
    members.sort_by(|a, b| a.path.cmp(&b.path));
    let files = members
        .iter()
        .map(|m| scan.dirs.get(&m.path).map_or(0, BTreeSet::len))
        .sum();
    Some(Group {
        pattern,
        dir: true,
        members,
        files,
    })
}

/// A directory's environment name: its last component without a leading dot.
fn env_name(dir: &str) -> String {
    let last = dir.rsplit('/').next().unwrap_or(dir);
    last.trim_start_matches('.').to_string()
}

/// The groups to compare, the others, and the environments (canonical names).
fn choose<'g>(
    groups: &'g [Group],
    names: &[String],
) -> (Vec<&'g Group>, Vec<&'g Group>, Vec<String>) {
    if !names.is_empty() {
        let want: Vec<String> = names.iter().map(|n| canonical(n)).collect();
        let (chosen, others): (Vec<&Group>, Vec<&Group>) = groups.iter().partition(|g| {
            let have = g.classes();
            want.iter().all(|w| have.contains(w))
        });
        return (chosen, others, want);
    }
    let mut order: Vec<&Group> = groups.iter().collect();
    order.sort_by_key(|g| std::cmp::Reverse(g.files));
    let mut set: BTreeSet<String> = BTreeSet::new();
    let (mut chosen, mut others) = (Vec::new(), Vec::new());
    for g in order {
        let classes = g.classes();
        if set.is_empty() || classes.intersection(&set).count() >= 2 {
            set.extend(classes);
            chosen.push(g);
        } else {
            others.push(g);
        }
    }
    (chosen, others, set.into_iter().collect())
}

/// How each environment is called: as the user named it, else its most common spelling.
fn spellings(chosen: &[&Group], names: &[String]) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for g in chosen {
        for m in &g.members {
            *counts
                .entry(canonical(&m.env))
                .or_default()
                .entry(m.env.clone())
                .or_default() += 1;
        }
    }
    let mut out: BTreeMap<String, String> = counts
        .into_iter()
        .filter_map(|(class, spellings)| {
            let best = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
            Some((class, best.0))
        })
        .collect();
    for n in names {
        out.insert(canonical(n), n.clone());
    }
    out
}

fn nothing(repo_root: &Path, names: &[String], groups: &[Group]) -> Error {
    let mut msg = if names.is_empty() {
        "found fewer than two environments to compare".to_string()
    } else {
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        format!(
            "no environment-paired config holds {} under `{}`",
            quoted.join(" and "),
            repo_root.display()
        )
    };
    if groups.is_empty() {
        msg.push_str(
            "\nno directories or config files named after environments were found (e.g. `overlays/staging/`, `values-prod.yaml`)",
        );
    } else {
        msg.push_str("\ncandidates:");
        for g in groups {
            msg.push_str(&format!("\n  {}", g.describe()));
        }
    }
    msg.push_str("\nhelp: declare the environments in driftcheck.toml, e.g.:\n");
    let examples: Vec<String> = if names.len() >= 2 {
        names.to_vec()
    } else {
        vec!["staging".to_string(), "prod".to_string()]
    };
    for n in examples {
        // The first candidate named after it (`staging` for `Staging/`,
        // `prod` for `prod-us/`), else a path to fill in.
        let want = canonical(&n);
        let found = groups
            .iter()
            .flat_map(|g| g.members.iter().map(move |m| (g, m)))
            .find(|(_, m)| {
                canonical(&m.env) == want
                    || words(&m.env)
                        .iter()
                        .any(|&(s, e)| canonical(&m.env[s..e]) == want)
            });
        match found {
            Some((g, m)) if g.dir => {
                msg.push_str(&format!("\n    [env.{n}]\n    root = \"{}\"\n", m.path));
            }
            Some((_, m)) => msg.push_str(&format!(
                "\n    [env.{n}]\n    root = \".\"\n    include = [\"{}\"]\n",
                m.path
            )),
            None => msg.push_str(&format!("\n    [env.{n}]\n    root = \"path/to/{n}\"\n")),
        }
    }
    Error::Discovery(msg.trim_end().to_string())
}
