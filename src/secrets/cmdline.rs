//! Credentials in command lines and header lines, masked through the end of
//! the credential argument.
//!
//! The rule: a flag or directive whose *meaning* is "the next argument is a
//! credential" masks that whole argument (a quoted argument to its closing
//! quote), whatever the argument looks like. Short flags are ambiguous
//! (`-p` is a port for `docker run`, a password for `mysql`), so they count
//! only when the line runs a program that documents them as a credential.
//! - `curl -u user:pw`, `--user`, `--proxy-user`, `wget --password`: the part after `:`;
//! - `sshpass -p pw`, `mysql -pX` / `-p X`, `docker|podman|helm|nerdctl|oras login -p X`,
//!   `redis-cli -a X`, `mongosh -p X`, `htpasswd -b file user pw`;
//! - `Authorization: <scheme> <credential>` and `Proxy-Authorization`: everything after the
//!   scheme (or after the colon when there is no scheme);
//! - Redis Sentinel `sentinel auth-pass <master> <password>`.

use std::ops::Range;

use super::connstr::value_at;

/// Programs whose `-p` is a password.
const P_IS_PASSWORD: &[&str] = &[
    "sshpass",
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlsh",
    "mariadb",
    "mariadb-dump",
    "mongo",
    "mongosh",
    "mongodump",
    "mongorestore",
    "login",
];

/// The flag table: (programs, flag, how the credential sits in the next
/// argument). The tools' documented meanings: `sqlcmd -P pw`, `bcp -P pw`,
/// `zip -P pw`, `ssh-keygen -N|-P pw`, `ldapsearch -w pw` (and the other
/// OpenLDAP clients), `openssl -passin|-passout pass:pw`, `smbclient -U
/// user%pw`, `lftp -u user,pw`, `vault login <token>`.
const FLAG_TABLE: &[(&[&str], &str, Cred)] = &[
    (&["sqlcmd", "bcp", "osql", "isql"], "-P", Cred::Whole),
    (&["zip", "zipcloak"], "-P", Cred::Whole),
    (&["ssh-keygen"], "-N", Cred::Whole),
    (&["ssh-keygen"], "-P", Cred::Whole),
    (
        &[
            "ldapsearch",
            "ldapmodify",
            "ldapadd",
            "ldapdelete",
            "ldapwhoami",
            "ldappasswd",
            "ldapcompare",
            "ldapmodrdn",
            "ldapexop",
        ],
        "-w",
        Cred::Whole,
    ),
    (&["openssl"], "-passin", Cred::After("pass:")),
    (&["openssl"], "-passout", Cred::After("pass:")),
    (&["openssl"], "-pass", Cred::After("pass:")),
    (
        &["smbclient", "rpcclient", "smbmap", "smbget", "net"],
        "-U",
        Cred::After("%"),
    ),
    (
        &["smbclient", "rpcclient", "smbget"],
        "--user",
        Cred::After("%"),
    ),
    (&["lftp"], "-u", Cred::After(",")),
    (&["vault"], "login", Cred::Whole),
];

/// Where a credential sits in the argument after its flag.
#[derive(Clone, Copy)]
enum Cred {
    /// The whole argument.
    Whole,
    /// After the first occurrence of this text (`pass:`, `user%`).
    After(&'static str),
}

/// Programs whose attached `-pX` is a password (`7z a -pX`).
const ATTACHED_P: &[&str] = &["7z", "7za", "7zz", "7zr", "unrar", "rar"];

/// A cheap test that `text` may hold anything [`credentials`] looks for;
/// most values hold none of it. It must be true whenever `credentials`
/// could find something (a test checks the families), so each clause names
/// what it admits:
/// - a word (split at whitespace, leading quotes dropped, as `credentials`
///   reads words) starting with `-` and a letter or `-`: every flag;
/// - `auth` (`auth-pass`, `Authorization`), `login` (`vault login`);
/// - `passw` (a password fed by `echo X | … passwd`), `/user:` (`net use`).
///
/// A hyphen inside a word (`Reviewed-by`, `x-request-id`) is no flag.
pub fn may_hold(text: &str) -> bool {
    let flag = text.split_whitespace().any(|w| {
        let b = w.trim_start_matches(['"', '\'']).as_bytes();
        b.len() >= 2 && b[0] == b'-' && (b[1].is_ascii_alphabetic() || b[1] == b'-')
    });
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["auth", "login", "passw", "/user:"])
            .expect("literal words")
    });
    flag || WORDS.is_match(text)
}

/// Credential ranges in one line of text.
pub fn credentials(text: &str) -> Vec<Range<usize>> {
    let words = words(text);
    let lower: Vec<String> = words
        .iter()
        .map(|r| {
            text[r.clone()]
                .trim_matches(['"', '\''])
                .to_ascii_lowercase()
        })
        .collect();
    let program = |names: &[&str]| {
        lower.iter().any(|w| {
            let base = w.rsplit('/').next().unwrap_or(w);
            names.contains(&base)
        })
    };
    let mut out = common_flags(text, &words, &lower, &program);
    out.extend(table_flags(text, &words, &program));
    if program(ATTACHED_P) {
        for (i, w) in lower.iter().enumerate() {
            if w.starts_with("-p") && w.len() > 2 {
                out.push(words[i].start + 2..words[i].end);
            }
        }
    }
    // `net use Z: \\srv\share <password> /user:...`: the word after the share.
    if program(&["net"]) && lower.iter().any(|w| w.starts_with("/user:")) {
        for (i, w) in lower.iter().enumerate() {
            if w.starts_with("\\\\")
                && let Some(r) = words.get(i + 1)
                && !text[r.clone()].starts_with('/')
            {
                out.push(r.clone());
            }
        }
    }
    out.extend(piped(text, &words, &lower));
    out.extend(authorization(text));
    out
}

/// Flags many programs share (`-u user:pw`, curl's `--user=`), `-p`/`-pX`
/// of the programs whose `-p` is a password, redis' `-a`, `htpasswd -b`,
/// `auth-pass`.
fn common_flags(
    text: &str,
    words: &[Range<usize>],
    lower: &[String],
    program: &dyn Fn(&[&str]) -> bool,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let p_password = program(P_IS_PASSWORD);
    let redis = program(&["redis-cli", "keydb-cli"]);
    let htpasswd = program(&["htpasswd"]);
    for (i, w) in lower.iter().enumerate() {
        let next = words.get(i + 1).map(|r| arg(text, r.start));
        match w.as_str() {
            "-u" | "--user" | "--proxy-user" | "-U" => {
                if let Some(Some(r)) = next {
                    let a = &text[r.clone()];
                    if let Some(c) = a.find(':') {
                        out.push(r.start + c + 1..r.end);
                    }
                }
            }
            "-p" | "--pass" if p_password => out.extend(next.flatten()),
            "-a" | "--pass" if redis => out.extend(next.flatten()),
            "-b" | "-bc" | "-nb" | "-bb" if htpasswd => {
                // htpasswd -b [-c] file user password: the last word.
                if let Some(last) = words.last()
                    && words.len() > i + 2
                {
                    out.push(last.clone());
                }
            }
            "auth-pass" => {
                if let Some(r) = words.get(i + 2) {
                    out.extend(arg(text, r.start));
                }
            }
            _ => {}
        }
        // `mysql -pX`, `sshpass -pX`, `--user=u:pw`.
        let r = &words[i];
        if p_password && w.starts_with("-p") && w.len() > 2 && !w.starts_with("--") {
            out.push(r.start + 2..r.end);
        }
        if let Some(v) = w
            .strip_prefix("--user=")
            .or_else(|| w.strip_prefix("--proxy-user="))
            && let Some(c) = v.find(':')
        {
            let at = r.start + w.len() - v.len() + c + 1;
            out.push(at..r.end);
        }
    }
    out
}

/// The credential argument of each `(programs, flag, what)` of
/// [`FLAG_TABLE`] whose program the line runs.
fn table_flags(
    text: &str,
    words: &[Range<usize>],
    program: &dyn Fn(&[&str]) -> bool,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (programs, flag, cred) in FLAG_TABLE {
        if !program(programs) {
            continue;
        }
        for (i, r) in words.iter().enumerate() {
            // Flags are case-sensitive (`-P` is a password, `-p` a port).
            if text[r.clone()].trim_matches(['"', '\'']) != *flag {
                continue;
            }
            let Some(Some(r)) = words.get(i + 1).map(|r| arg(text, r.start)) else {
                continue;
            };
            let a = &text[r.clone()];
            if a.starts_with('-') && matches!(cred, Cred::Whole) && *flag == "login" {
                continue;
            }
            match cred {
                Cred::Whole => out.push(r),
                Cred::After(sep) => {
                    if let Some(c) = a.find(sep) {
                        out.push(r.start + c + sep.len()..r.end);
                    }
                }
            }
        }
    }
    out
}

/// A password fed on standard input (`echo X | … --password-stdin`,
/// `<(echo X)` after a password option): X.
fn piped(text: &str, words: &[Range<usize>], lower: &[String]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // `echo X | ...` or `<(echo X)` feeding a password option: X is the password.
    if lower
        .iter()
        .any(|w| w.contains("password") || w.contains("passwd") || w.contains("--pass"))
        && let Some(i) = lower
            .iter()
            .position(|w| w == "echo" || w == "printf" || w.ends_with("(echo"))
        && let Some(r) = words.get(i + 1)
        && let Some(a) = arg(text, r.start)
    {
        let end = text[a.clone()].find(')').map_or(a.end, |p| a.start + p);
        out.push(a.start..end);
    }
    // `echo X | docker login --password-stdin`: X is the password.
    if lower.iter().any(|w| w == "--password-stdin")
        && let Some(i) = lower.iter().position(|w| w == "echo" || w == "printf")
        && let Some(r) = words.get(i + 1)
    {
        out.extend(arg(text, r.start));
    }
    out
}

/// In an argv list (`command: [mysql, -pX]`, `args: [-u, admin:pw]`),
/// whether item `k` is (or holds) a credential by the same rules as
/// [`credentials`]: the argument after a credential flag, an attached `-pX`,
/// the password of `auth-pass <master> <password>`. Programs are looked for
/// in the first eight items only, so a long list costs linear time.
pub fn argv_item_is_credential(len: usize, item: impl Fn(usize) -> String, k: usize) -> bool {
    let lower = |i: usize| item(i).trim_matches(['"', '\'']).to_ascii_lowercase();
    let program = |names: &[&str]| {
        (0..len.min(8)).any(|i| {
            let w = lower(i);
            names.contains(&w.rsplit('/').next().unwrap_or(&w))
        })
    };
    let this = lower(k);
    let prev = (k > 0).then(|| lower(k - 1));
    match prev.as_deref() {
        Some("-p" | "--pass") if program(P_IS_PASSWORD) => return true,
        Some("-a" | "--pass") if program(&["redis-cli", "keydb-cli"]) => return true,
        Some("-u" | "--user" | "--proxy-user") if this.contains(':') => return true,
        _ => {}
    }
    if k > 1 && lower(k - 2) == "auth-pass" {
        return true;
    }
    (this.starts_with("-p") && this.len() > 2 && !this.starts_with("--") && program(P_IS_PASSWORD))
        || ((this.starts_with("--user=") || this.starts_with("--proxy-user="))
            && this.contains(':'))
}

/// `Authorization: Basic abc`, `authorization = "SSWS x"`, `Proxy-Authorization: x`.
fn authorization(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find("authorization") {
        let at = from + p + "authorization".len();
        from = at;
        let rest = &text[at..];
        let sep = rest.len() - rest.trim_start_matches(['"', '\'', ' ', '\t']).len();
        let after = &rest[sep..];
        let Some(after) = after.strip_prefix([':', '=']) else {
            continue;
        };
        let mut start = at + sep + 1;
        start += after.len() - after.trim_start_matches([' ', '\t', '"', '\'']).len();
        let cred = &text[start..];
        let end_of = |s: &str| {
            s.find(['"', '\'', '\n', '\r', ',', ';', '}'])
                .unwrap_or(s.len())
        };
        let len = end_of(cred);
        let value = cred[..len].trim_end();
        // `<scheme> <credential>`: keep the scheme visible.
        let skip = match value.split_once(' ') {
            Some((scheme, _))
                if scheme.len() <= 24
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                scheme.len() + 1
            }
            _ => 0,
        };
        let s = start + skip;
        let e = start + value.len();
        if e > s {
            out.push(s..e);
        }
    }
    out
}

/// Byte ranges of whitespace-separated words.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// The argument starting at `start`: a quoted one to its closing quote.
fn arg(text: &str, start: usize) -> Option<Range<usize>> {
    let r = value_at(text, start)?;
    // An unquoted argument ends at whitespace only (`;` may be part of a password).
    if !matches!(text.as_bytes()[start], b'"' | b'\'') {
        let end = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| start + e);
        return Some(start..end.max(r.end));
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut rs = credentials(text);
        rs.sort_by_key(|r| std::cmp::Reverse(r.start));
        let mut out = text.to_string();
        for r in rs {
            out.replace_range(r, "***");
        }
        out
    }

    #[test]
    fn credential_arguments_are_masked_whole() {
        for (input, want) in [
            (
                "curl -u admin:s3cret https://x",
                "curl -u admin:*** https://x",
            ),
            (
                "curl --user=admin:s3cret https://x",
                "curl --user=admin:*** https://x",
            ),
            ("sshpass -p 'a b c' ssh host", "sshpass -p *** ssh host"),
            (
                "docker login -u me -p hunter22 reg.io",
                "docker login -u me -p *** reg.io",
            ),
            ("mysql -uroot -ps3cr3t db", "mysql -uroot -p*** db"),
            ("redis-cli -a foobared ping", "redis-cli -a *** ping"),
            (
                "sentinel auth-pass mymaster s3cr3tpw",
                "sentinel auth-pass mymaster ***",
            ),
            ("Authorization: SSWS 00abcDEF", "Authorization: SSWS ***"),
            (
                "-H \"Authorization: Bearer x.y.z\" -d 1",
                "-H \"Authorization: Bearer ***\" -d 1",
            ),
            ("authorization = \"tok123\"", "authorization = \"***\""),
            ("htpasswd -b -c f admin pw9", "htpasswd -b -c f admin ***"),
            ("docker run -p 8080:80 img", "docker run -p 8080:80 img"),
        ] {
            assert_eq!(masked(input), want, "{input}");
        }
    }

    #[test]
    fn argv_lists_follow_the_same_rules() {
        let is = |argv: &[&str], k: usize| {
            argv_item_is_credential(argv.len(), |i| argv[i].to_string(), k)
        };
        assert!(is(&["mysql", "-uroot", "-pS3cret", "db"], 2));
        assert!(!is(&["mysql", "-uroot", "-pS3cret", "db"], 3));
        assert!(is(&["sshpass", "-p", "pw", "ssh", "h"], 2));
        assert!(is(&["curl", "-u", "admin:pw", "https://x"], 2));
        assert!(is(&["redis-cli", "-a", "pw", "ping"], 2));
        assert!(is(&["sentinel", "auth-pass", "m", "pw"], 3));
        assert!(!is(&["docker", "run", "-p", "8080:80"], 3));
    }
}

#[cfg(test)]
mod flag_table_tests {
    use super::*;

    /// Every row of the flag table, with a credential of every shape, in a
    /// shell line and quoted: the credential is inside a masked range.
    #[test]
    fn every_flag_table_row_masks_its_credential() {
        for (programs, flag, cred) in FLAG_TABLE {
            for program in *programs {
                for secret in ["Xk29fLq8Zr4Tn7Wm2p", "a;b&c=d", "hunter2"] {
                    let a = match cred {
                        Cred::Whole => secret.to_string(),
                        Cred::After(sep) => {
                            format!("user{sep}{secret}").replace("userpass:", "pass:")
                        }
                    };
                    for line in [
                        format!("{program} {flag} {a} x y"),
                        format!("sudo {program} -v {flag} '{a}'"),
                    ] {
                        let at = line.find(secret).expect("placed");
                        let ok = credentials(&line)
                            .iter()
                            .any(|r| r.start <= at && r.end >= at + secret.len());
                        assert!(ok, "{line}: {:?}", credentials(&line));
                    }
                }
            }
        }
        for line in [
            "7z a -pS3cretZ9 out.7z f",
            "net use Z: \\\\srv\\share S3cretZ9 /user:corp\\u",
            "rsync --password-file=<(echo S3cretZ9) x y",
        ] {
            let at = line.find("S3cretZ9").unwrap();
            assert!(
                credentials(line)
                    .iter()
                    .any(|r| r.start <= at && r.end >= at + 8),
                "{line}"
            );
        }
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    /// [`may_hold`] is a necessary condition: on a family of lines built
    /// from every program and flag the module knows, in several quotings and
    /// separators, `credentials` finds nothing where `may_hold` says no.
    #[test]
    fn may_hold_is_true_wherever_credentials_finds_one() {
        let mut programs: Vec<&str> = P_IS_PASSWORD.to_vec();
        programs.extend(ATTACHED_P);
        programs.extend([
            "curl",
            "wget",
            "redis-cli",
            "htpasswd",
            "net",
            "docker",
            "sentinel",
        ]);
        programs.extend(FLAG_TABLE.iter().flat_map(|(p, _, _)| p.iter().copied()));
        let mut flags: Vec<&str> = vec![
            "-u",
            "--user",
            "--proxy-user",
            "-U",
            "-p",
            "--pass",
            "-a",
            "-b",
            "-bc",
            "auth-pass",
            "-pX",
            "--user=u:pw",
            "--password-stdin",
            "login",
            "/user:me",
            "\\\\srv\\share",
        ];
        flags.extend(FLAG_TABLE.iter().map(|(_, f, _)| *f));
        let mut checked = 0;
        for program in &programs {
            for flag in &flags {
                for sep in [" ", "  ", "\t"] {
                    for quote in ["", "\"", "'"] {
                        for line in [
                            format!("{program}{sep}{quote}{flag}{quote}{sep}u:p%,pass:hunter2 x"),
                            format!("echo{sep}hunter2{sep}|{sep}{program}{sep}{flag}"),
                            format!("{program}{sep}use{sep}\\\\srv\\s{sep}pw{sep}{flag}"),
                        ] {
                            if !credentials(&line).is_empty() {
                                checked += 1;
                                assert!(may_hold(&line), "{line:?}");
                            }
                        }
                    }
                }
            }
        }
        for line in [
            "echo hunter2 | chpasswd",
            "Authorization: Bearer x",
            "Reviewed-by: A <a@x>",
        ] {
            assert_eq!(may_hold(line), !credentials(line).is_empty(), "{line:?}");
        }
        assert!(checked > 500, "{checked}");
        // Lines the old prefilter (a `-x` anywhere, `net use` with one
        // space) turned away before the credential rules.
        for line in [
            "echo hunter2 | chpasswd",
            "echo 'root:hunter2' | chpasswd",
            "net  use Z: \\\\srv\\share hunter2 /user:me",
        ] {
            assert!(
                !crate::secrets::mask_line(line).contains("hunter2"),
                "{line}"
            );
        }
    }
}
