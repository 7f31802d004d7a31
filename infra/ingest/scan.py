"""`genai-platform ingest scan PATH...`: the ingestion scanner on local files, before upload.

Prints one JSON verdict per file (directories are walked, files in name order). Exit 0 when every file
would be promoted or flagged, 1 when any would be quarantined, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.ingest import ensure_lambda_path


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to scan")
    parser.add_argument("--max-bytes", type=int, default=None, help="size limit per file (default: the scanner's)")
    parser.add_argument("--formats", default=None, help="comma-separated formats to accept (default: all)")
    parser.add_argument("--declared", default=None, help="the data_classification the upload would declare")


def _files(paths: list[str]) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"PATH {raw!r}: no such file or directory")
    return files, errors


def run(args: argparse.Namespace) -> int:
    ensure_lambda_path()
    from genai_ingest.formats import FORMATS
    from genai_ingest.scan import CLASSIFICATION_LEVELS, DEFAULT_MAX_BYTES, Limits, limit_problems, scan_bytes

    max_bytes = DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes
    formats = FORMATS if args.formats is None else tuple(f.strip() for f in args.formats.split(",") if f.strip())
    errors = [f"--{key.replace('_', '-')}: {message}" for key, message in limit_problems(max_bytes, formats, 1)]
    if args.declared is not None and args.declared not in CLASSIFICATION_LEVELS:
        errors.append(f"--declared: {args.declared!r} is not one of {', '.join(CLASSIFICATION_LEVELS)}")
    files, missing = _files(args.paths)
    errors.extend(missing)
    if errors:
        for error in errors:
            print(f"genai-platform ingest scan: error: {error}", file=sys.stderr)
        return 2
    limits = Limits(max_bytes=max_bytes, formats=formats)
    quarantined = False
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"genai-platform ingest scan: error: {path}: cannot read: {exc.strerror}", file=sys.stderr)
            quarantined = True
            continue
        verdict = scan_bytes(str(path), data, limits, declared=args.declared)
        quarantined = quarantined or verdict.scan_status == "quarantined"
        print(json.dumps(verdict.to_json(), sort_keys=True))
    return 1 if quarantined else 0
