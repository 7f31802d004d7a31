"""Deterministic Lambda packaging: the same source tree always produces the same zip, byte for byte.

The zip is built at preview time (never inside an `apply`) into `build/`, named after its own
SHA-256, so the plan shows a stable, content-derived path and `source_code_hash` changes exactly when
the code does. Entries are sorted, timestamps and permissions fixed, and caches left out.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pulumi

# 1980-01-01 00:00:00, the earliest timestamp a zip entry can carry.
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
EXCLUDED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "tests"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
FILE_MODE = 0o644 << 16


@dataclass(frozen=True)
class LambdaPackage:
    """A built package: where the zip is and the base64 SHA-256 Lambda expects in `source_code_hash`."""

    path: Path
    sha256_hex: str
    source_code_hash: str
    files: tuple[str, ...]

    def archive(self) -> pulumi.FileArchive:
        return pulumi.FileArchive(str(self.path))


def package_files(source_dir: Path) -> list[tuple[str, Path]]:
    """The (archive name, file) pairs of a package, sorted by archive name."""
    if not source_dir.is_dir():
        raise ValueError(f"Lambda source {source_dir} is not a directory")
    entries: list[tuple[str, Path]] = []
    for path in source_dir.rglob("*"):
        relative = path.relative_to(source_dir)
        if any(part in EXCLUDED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and not path.name.endswith(EXCLUDED_SUFFIXES):
            entries.append((relative.as_posix(), path))
    if not entries:
        raise ValueError(f"Lambda source {source_dir} holds no files")
    return sorted(entries)


def zip_bytes(source_dir: Path, include: tuple[Path, ...] = ()) -> tuple[bytes, tuple[str, ...]]:
    """The deterministic zip of a directory, and the names it holds. Each `include` directory (a shared
    package such as the filter's detectors) is added under its own name, so it is used, not copied."""
    entries = package_files(source_dir)
    for extra in include:
        entries.extend((f"{extra.name}/{name}", path) for name, path in package_files(extra))
    clashes = sorted(name for name, count in Counter(name for name, _ in entries).items() if count > 1)
    if clashes:
        raise ValueError(f"Lambda package {source_dir}: {', '.join(clashes)} present twice")
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            names.append(name)
    return buffer.getvalue(), tuple(names)


def build_package(source_dir: Path, build_dir: Path, name: str, include: tuple[Path, ...] = ()) -> LambdaPackage:
    """Write `<build_dir>/<name>-<sha256[:16]>.zip` (if not already there) and describe it."""
    data, names = zip_bytes(source_dir, include)
    digest = hashlib.sha256(data)
    build_dir.mkdir(parents=True, exist_ok=True)
    target = build_dir / f"{name}-{digest.hexdigest()[:16]}.zip"
    if not target.exists() or target.read_bytes() != data:
        staging = target.with_suffix(".tmp")
        staging.write_bytes(data)
        staging.replace(target)
    return LambdaPackage(
        path=target,
        sha256_hex=digest.hexdigest(),
        source_code_hash=base64.b64encode(digest.digest()).decode(),
        files=names,
    )
