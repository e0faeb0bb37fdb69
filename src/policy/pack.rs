//! The shipped policy pack: the files in the repository's `policies/`,
//! compiled in so the binary carries them. They are ordinary policy files,
//! read by the same strict reader as a user's.

/// `(file name, text)` of each pack file.
pub const FILES: [(&str, &str); 5] = [
    ("nginx.toml", include_str!("../../policies/nginx.toml")),
    (
        "clickhouse.toml",
        include_str!("../../policies/clickhouse.toml"),
    ),
    (
        "postgres.toml",
        include_str!("../../policies/postgres.toml"),
    ),
    (
        "kubernetes.toml",
        include_str!("../../policies/kubernetes.toml"),
    ),
    ("flags.toml", include_str!("../../policies/flags.toml")),
];

/// Every rule and link id the pack defines.
pub fn ids() -> Vec<String> {
    let mut order = 0;
    FILES
        .iter()
        .flat_map(|(name, text)| {
            let (f, _) = super::parse::parse(name, text, true, &mut order);
            f.rules
                .into_iter()
                .map(|r| r.id)
                .chain(f.links.into_iter().map(|l| l.id))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pack_reads_without_problems() {
        for (name, text) in super::FILES {
            let (f, problems) = super::super::parse::parse(name, text, true, &mut 0);
            assert!(problems.is_empty(), "{name}: {problems:?}");
            assert!(!f.rules.is_empty(), "{name}");
            for r in &f.rules {
                assert!(
                    r.description.is_some() && r.help.is_some(),
                    "{name}: {} lacks text",
                    r.id
                );
            }
        }
    }
}
