"""PEP 517 build backend for the pre-commit placeholder (the root pyproject.toml).

pre-commit installs a `language: python` hook with `pip install .` at the repository
root. The package there has no code: its one dependency is the driftcheck wheel, which
carries the prebuilt binary. This backend writes that metadata-only wheel with the
standard library alone, so pip has no build dependency to download and install
(setuptools took two thirds of the hook's install time, and needs the network).

It reads `name`, `version`, `description`, `requires-python` and `dependencies` from the
`[project]` table of the pyproject.toml in the current directory (the project root, as
PEP 517 says), with a parser for the simple form used there: Python 3.9 and 3.10 have
no tomllib.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

__all__ = ["build_wheel", "build_sdist", "get_requires_for_build_wheel",
           "get_requires_for_build_sdist"]


def _project():
    with open("pyproject.toml", encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"(?ms)^\[project\]\s*$(.*?)(?=^\[|\Z)", text)
    if not m:
        raise RuntimeError("pyproject.toml has no [project] table")
    table = m.group(1)
    fields = dict(re.findall(r'(?m)^([a-z-]+)\s*=\s*"([^"]*)"\s*$', table))
    deps = re.search(r"(?ms)^dependencies\s*=\s*\[(.*?)\]", table)
    fields["dependencies"] = re.findall(r'"([^"]+)"', deps.group(1)) if deps else []
    for key in ("name", "version"):
        if not fields.get(key):
            raise RuntimeError(f"pyproject.toml [project] has no {key}")
    return fields


def _dist(project):
    return re.sub(r"[-_.]+", "_", project["name"]).lower() + "-" + project["version"]


def _metadata(project):
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}",
             f"Version: {project['version']}"]
    if project.get("description"):
        lines.append(f"Summary: {project['description']}")
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dep}" for dep in project["dependencies"]]
    return "\n".join(lines) + "\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    dist = _dist(project)
    info = f"{dist}.dist-info"
    files = {
        f"{info}/METADATA": _metadata(project).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: pre_commit_placeholder\n"
                         b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = ""
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record += f"{path},sha256={digest.decode()},{len(data)}\n"
    record += f"{info}/RECORD,,\n"
    name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w",
                         zipfile.ZIP_DEFLATED) as whl:
        for path, data in files.items():
            whl.writestr(path, data)
        whl.writestr(f"{info}/RECORD", record)
    return name


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    dist = _dist(project)
    name = f"{dist}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as sdist:
        for path in ("pyproject.toml", "pypi/pre_commit_placeholder.py"):
            sdist.add(path, arcname=f"{dist}/{path}")
        pkg_info = _metadata(project).encode()
        member = tarfile.TarInfo(f"{dist}/PKG-INFO")
        member.size = len(pkg_info)
        sdist.addfile(member, io.BytesIO(pkg_info))
    return name
