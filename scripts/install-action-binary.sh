#!/usr/bin/env bash
# Installs the prebuilt driftcheck of a GitHub release for the GitHub Action
# (action.yml), after checking its SHA-256 against the release's SHA256SUMS.
#
#   install-action-binary.sh     writes installed=true|false to GITHUB_OUTPUT
#
# Exit status and outcome:
#   0, installed=true    the release binary is at $DRIFTCHECK_BIN, checksum verified
#   0, installed=false   no release binary matches this action and runner (no release
#                        for the ref, no asset for the platform, a branch ref, a local
#                        `uses: ./`); the log says why and that the action falls back
#                        to `cargo install --locked` (scripts/action-install.sh)
#   2                    a download or an archive failed, or the checksum does NOT match:
#                        the step fails and nothing falls back
#
# Inputs, through the environment only:
#   DRIFTCHECK_BIN     where to put the binary (action-install.sh plan's bin=)
#   ACTION_REPOSITORY  github.action_repository (owner/name; empty for `uses: ./`)
#   ACTION_REF         github.action_ref: a release tag (v1.2.3) or a commit SHA
#   INPUT_VERSION      the action's `version` input: a release tag installs that release
#   GITHUB_ACTION_PATH the action's files: its Cargo.toml says which version it is
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_SERVER_URL, GITHUB_OUTPUT
#   DRIFTCHECK_RELEASE_BASE_URL  where releases are, default
#                      $GITHUB_SERVER_URL/$ACTION_REPOSITORY/releases/download; the
#                      asset URL is <base>/<tag>/<asset>. For mirrors and the tests.
#
# Which release: the action's ref when it is a release tag whose version is the one in
# the action's own Cargo.toml; when the ref is a commit SHA (the recommended pin), the
# release of the Cargo.toml version, used only if its SOURCE_COMMIT is that very SHA.
# Anything else (a branch, an empty ref: actions/runner#2473) gets no binary, because
# the binary would not be the source the workflow pinned.
#
# Assets (written by .github/workflows/release.yml):
#   driftcheck-<tag>-<target>.tar.gz   (.zip on Windows) holding driftcheck-<tag>-<target>/driftcheck[.exe]
#   SHA256SUMS                         `sha256sum` lines for every asset
#   SOURCE_COMMIT                      the commit the release was built from
set -euo pipefail

version=${INPUT_VERSION:-}
repository=${ACTION_REPOSITORY:-}
ref=${ACTION_REF:-}
action_path=${GITHUB_ACTION_PATH:-}
server=${GITHUB_SERVER_URL:-https://github.com}
bin=${DRIFTCHECK_BIN:-${HOME:?}/.driftcheck-action/bin/driftcheck}

die() {
  printf '::error title=driftcheck install::%s\n' "$1"
  exit 2
}

output() {
  if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    printf '%s\n' "$@" >>"$GITHUB_OUTPUT"
  fi
}

# A value from the workflow, safe to print: no newline can start a workflow command.
shown() {
  local value=${1//[^A-Za-z0-9._\/+-]/?}
  printf '%s' "${value:0:80}"
}

# No binary matches: say why, and that the next step builds from source.
fallback() {
  echo "driftcheck: no prebuilt binary: $1"
  echo "driftcheck: falling back to cargo install --locked (builds from source, a few minutes)"
  output installed=false
  exit 0
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/driftcheck-release.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# fetch URL FILE: 0 fetched, 1 not found (HTTP 404), exits 2 on any other failure.
fetch() {
  local code status=0
  code=$(curl --silent --show-error --location --retry 3 --connect-timeout 20 \
    --output "$2" --write-out '%{http_code}' "$1") || status=$?
  if [[ $status == 0 && $code == 2* ]]; then
    return 0
  fi
  if [[ $code == 404 ]]; then
    return 1
  fi
  die "downloading $1 failed (curl exit $status, HTTP ${code:-none}); a download error fails the step (only a release without a matching binary builds from source)."
}

# The runner's platform, as a Rust target triple.
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fallback "releases have no binary for $(shown "${RUNNER_OS:-unknown}") on $(shown "${RUNNER_ARCH:-unknown}")." ;;
esac

tag_pattern='^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$'
crate_version=
if [[ -n $action_path && -f $action_path/Cargo.toml ]]; then
  crate_version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n 1)
fi

want_commit=
if [[ -n $version && $version != "$ref" ]]; then
  # An explicit `version`: a release tag is that release; anything else is built.
  [[ $version =~ $tag_pattern ]] ||
    fallback "version '$(shown "$version")' is not a release tag (vX.Y.Z)."
  tag=$version
elif [[ $ref =~ $tag_pattern ]]; then
  [[ $ref == "v$crate_version" ]] ||
    fallback "the action's ref is $ref but its Cargo.toml says version $(shown "${crate_version:-unknown}"); the ref does not name this action's source (actions/runner#2473)."
  tag=$ref
elif [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
  [[ -n $crate_version ]] ||
    fallback "the action's Cargo.toml has no version."
  tag="v$crate_version"
  want_commit=$ref
else
  fallback "the action's ref '$(shown "$ref")' is neither a release tag nor a commit SHA (a branch, or a local \`uses: ./\`)."
fi
[[ $tag =~ $tag_pattern ]] || fallback "'$tag' is not a release tag."

base=${DRIFTCHECK_RELEASE_BASE_URL:-}
if [[ -z $base ]]; then
  [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
    fallback "github.action_repository '$(shown "$repository")' is not owner/name (a local or nested action)."
  base="$server/$repository/releases/download"
fi
base=${base%/}

if [[ $target == *windows* ]]; then
  asset="driftcheck-$tag-$target.zip"
  exe=driftcheck.exe
else
  asset="driftcheck-$tag-$target.tar.gz"
  exe=driftcheck
fi

fetch "$base/$tag/SHA256SUMS" "$tmp/SHA256SUMS" ||
  fallback "release $tag has no SHA256SUMS ($base/$tag/SHA256SUMS: not found)."
if [[ -n $want_commit ]]; then
  fetch "$base/$tag/SOURCE_COMMIT" "$tmp/SOURCE_COMMIT" ||
    fallback "release $tag has no SOURCE_COMMIT, so it cannot be matched to the commit $want_commit."
  built_from=$(tr -d '[:space:]' <"$tmp/SOURCE_COMMIT")
  [[ $built_from == "$want_commit" ]] ||
    fallback "release $tag was built from $(shown "${built_from:-an unknown commit}"), and the action is pinned at $want_commit."
fi

# The expected digest: the SHA256SUMS line for this asset (`<hex>  <name>` or `<hex> *<name>`).
expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$tmp/SHA256SUMS")
[[ -n $expected ]] ||
  fallback "release $tag lists no $asset in SHA256SUMS (no binary for $target)."
[[ $expected =~ ^[0-9a-f]{64}$ ]] ||
  die "SHA256SUMS of release $tag has a malformed line for $asset."

echo "driftcheck: downloading $base/$tag/$asset"
fetch "$base/$tag/$asset" "$tmp/$asset" ||
  fallback "release $tag has no asset $asset (listed in SHA256SUMS, but not found)."
actual=$(sha256_of "$tmp/$asset")
if [[ $actual != "$expected" ]]; then
  die "SHA-256 mismatch for $asset of release $tag: expected $expected, got $actual. The download is not the released binary; refusing it (a mismatch never falls back to a source build)."
fi
echo "driftcheck: SHA-256 verified: $actual  $asset"

mkdir -p "$tmp/unpacked"
if [[ $asset == *.zip ]]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$tmp/$asset" -d "$tmp/unpacked" || die "cannot unpack $asset."
  else
    python3 -m zipfile -e "$tmp/$asset" "$tmp/unpacked" || die "cannot unpack $asset."
  fi
else
  tar -xzf "$tmp/$asset" -C "$tmp/unpacked" || die "cannot unpack $asset."
fi
found="$tmp/unpacked/driftcheck-$tag-$target/$exe"
[[ -f $found ]] || die "$asset holds no driftcheck-$tag-$target/$exe."

dest_dir=$(dirname "$bin")
mkdir -p "$dest_dir"
dest="$dest_dir/$exe"
cp "$found" "$dest"
chmod 755 "$dest"
if ! installed_version=$("$dest" --version 2>&1); then
  rm -f "$dest"
  die "the release binary does not run on this runner: $installed_version"
fi
echo "driftcheck: installed $installed_version from release $tag ($target) at $dest"
output installed=true "bin=$dest"
