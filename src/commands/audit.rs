//! `driftcheck audit [RANGE]`: the history report.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::Error;
use driftcheck::gate::audit::audit;
use driftcheck::gate::identity::Mailmap;
use driftcheck::gate::review::Review;
use driftcheck::git::Repo;
use driftcheck::pipeline::setup::load_config;

/// Audit `range` (default: all of `HEAD`'s history), with `[review]` and
/// `.mailmap` as they are in the working tree; with `gate`, each commit's
/// verdict is the gate's for `--base C^ --head C`.
///
/// # Errors
/// When the repository cannot answer or the config is invalid.
pub fn run(
    args: &Args,
    cwd: &Path,
    range: Option<&str>,
    gate: bool,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    let mailmap = std::fs::read_to_string(repo.root().join(".mailmap"))
        .map(|t| Mailmap::parse(&t))
        .unwrap_or_default();
    let review = match load_config(args.config.as_deref(), cwd)? {
        Some(c) => Review::from_config(
            &c,
            &repo
                .root()
                .canonicalize()
                .unwrap_or_else(|_| repo.root().to_path_buf()),
            &mailmap,
        )?,
        None => Review::everything(),
    };
    let mut commits = audit(&repo, range.unwrap_or("HEAD"), &review)?;
    // One verdict (`--gate`): each commit as `gate --base C^ --head C`
    // judges it. Not the default yet: the gate is not incremental, so it
    // costs a full comparison per commit.
    if gate {
        let at = driftcheck::gate::Location::new(
            &repo,
            cwd,
            args.dir.as_deref(),
            args.config.as_deref(),
        );
        driftcheck::gate::audit::gate_verdicts(&repo, &mut commits, &at)?;
    }
    let failed = commits.iter().filter(|c| !c.passed).count();
    driftcheck::report::audit::write(&commits, args.format, out).map_err(Error::Write)?;
    Ok(if failed > 0 {
        Status::Findings
    } else {
        Status::Clean
    })
}
