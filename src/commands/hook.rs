//! `driftcheck hook install|uninstall`: git hooks that run driftcheck,
//! written where git really looks for them (`core.hooksPath`, or the common
//! hooks directory shared by worktrees), never over a hook driftcheck did
//! not write unless `--force` (which keeps a backup).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::Status;
use driftcheck::error::Error;
use driftcheck::git::Repo;

/// The line that marks a hook as driftcheck's own.
const MARKER: &str = "# driftcheck-managed-hook v1";

/// Which hooks.
#[derive(Debug, Clone, Copy)]
pub struct Which {
    /// `pre-commit`: `check --staged`.
    pub pre_commit: bool,
    /// `commit-msg`: `gate --message-file`.
    pub commit_msg: bool,
    /// `pre-push`: `gate` for every pushed ref.
    pub pre_push: bool,
}

impl Which {
    fn names(self) -> Vec<&'static str> {
        let none = !self.pre_commit && !self.commit_msg && !self.pre_push;
        let mut out = Vec::new();
        if self.pre_commit || none {
            out.push("pre-commit");
        }
        if self.commit_msg || none {
            out.push("commit-msg");
        }
        if self.pre_push {
            out.push("pre-push");
        }
        out
    }
}

fn script(hook: &str, exe: &str) -> String {
    let exe = exe.replace('\'', "'\\''");
    let body = match hook {
        "pre-commit" => "exec \"$DRIFTCHECK\" check --staged\n".to_string(),
        "commit-msg" => "exec \"$DRIFTCHECK\" gate --message-file \"$1\"\n".to_string(),
        _ => concat!(
            "# stdin: <local ref> <local sha> <remote ref> <remote sha>, one line per ref\n",
            "zero=0000000000000000000000000000000000000000\n",
            "status=0\n",
            "while read -r local_ref local_sha remote_ref remote_sha; do\n",
            "  [ \"$local_sha\" = \"$zero\" ] && continue   # a deletion\n",
            "  base=\"$remote_sha\"\n",
            "  [ \"$base\" = \"$zero\" ] && base=\"refs/remotes/$1/HEAD\"   # a new branch\n",
            "  \"$DRIFTCHECK\" gate --local --base \"$base\" --head \"$local_sha\" || status=1\n",
            "done\n",
            "exit $status\n",
        )
        .to_string(),
    };
    format!(
        "#!/bin/sh\n{MARKER}\n# Written by `driftcheck hook install`; `driftcheck hook uninstall` removes it.\n\
         # Local hooks can be bypassed (git commit --no-verify): the CI check is the authority.\n\
         DRIFTCHECK='{exe}'\n[ -x \"$DRIFTCHECK\" ] || DRIFTCHECK=driftcheck\n{body}"
    )
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.lines().nth(1) == Some(MARKER))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Install hooks.
///
/// # Errors
/// When a foreign hook is in the way (without `force`) or a file cannot be written.
pub fn install(
    cwd: &Path,
    which: Which,
    force: bool,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    // Hooks without a config would fail every commit: refuse, and say what to do.
    if driftcheck::config::find(cwd).is_none() {
        return Err(Error::Usage(format!(
            "no {} in {} or above: hooks would fail every commit; run `driftcheck init` first (it writes one from the environments it finds)",
            driftcheck::config::FILE_NAME,
            cwd.display()
        )));
    }
    let dir = repo.hooks_dir();
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "driftcheck".into());
    let w = Error::Write;
    for name in which.names() {
        let path = dir.join(name);
        if path.exists() && !is_ours(&path) {
            if !force {
                return Err(Error::Usage(format!(
                    "{} exists and was not written by driftcheck: not overwritten (use --force to replace it; it is kept as {name}.driftcheck-backup)",
                    path.display()
                )));
            }
            let backup = backup_of(&path);
            std::fs::rename(&path, &backup).map_err(io(&path))?;
            writeln!(out, "kept the existing {name} hook as {}", backup.display()).map_err(w)?;
        }
        std::fs::write(&path, script(name, &exe)).map_err(io(&path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&path))?;
        }
        writeln!(out, "installed {name} hook: {}", path.display()).map_err(w)?;
    }
    writeln!(
        out,
        "Local hooks give early feedback only: they can be bypassed (git commit --no-verify, rebases, web edits). \
         The CI check on a protected branch is the authority."
    )
    .map_err(w)?;
    Ok(Status::Clean)
}

fn backup_of(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".driftcheck-backup");
    PathBuf::from(p)
}

/// Remove driftcheck's hooks (and only those), restoring backups.
///
/// # Errors
/// When a file cannot be removed.
pub fn uninstall(cwd: &Path, out: &mut dyn Write) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    let dir = repo.hooks_dir();
    let w = Error::Write;
    let mut removed = 0;
    for name in ["pre-commit", "commit-msg", "pre-push"] {
        let path = dir.join(name);
        if !is_ours(&path) {
            continue;
        }
        std::fs::remove_file(&path).map_err(io(&path))?;
        removed += 1;
        let backup = backup_of(&path);
        if backup.exists() {
            std::fs::rename(&backup, &path).map_err(io(&backup))?;
            writeln!(
                out,
                "removed the {name} hook and restored the one it replaced"
            )
            .map_err(w)?;
        } else {
            writeln!(out, "removed the {name} hook").map_err(w)?;
        }
    }
    if removed == 0 {
        writeln!(out, "no driftcheck hook in {}", dir.display()).map_err(w)?;
    }
    Ok(Status::Clean)
}
