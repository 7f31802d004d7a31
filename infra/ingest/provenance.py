"""`genai-platform provenance sign|verify MODEL_DIR`: the training stage's signing and the serving init
container's verification (`genai_ingest.provenance`), run locally. Exit 0 on success, 1 when signing or
verification fails (the message names the file), 2 on a usage error."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from infra.ingest import ensure_lambda_path


def configure_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model_dir", type=Path, metavar="MODEL_DIR")
    parser.add_argument("--key-id", required=True, help="the KMS SIGN_VERIFY key (ARN or alias)")
    parser.add_argument("--region", default=None)


def configure_sign(parser: argparse.ArgumentParser) -> None:
    configure_common(parser)
    parser.add_argument("--model", required=True, help="model name recorded in the manifest")
    parser.add_argument("--code-commit", required=True, help="full git commit of the training code")
    parser.add_argument("--training-image", required=True, help="training image, pinned: repo@sha256:...")
    parser.add_argument("--training-data", nargs="+", required=True, metavar="s3://bucket/key#version")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a training parameter")


def _kms(region: str | None) -> Any:
    import boto3

    return boto3.client("kms", region_name=region)


def _fail(command: str, message: str, code: int) -> int:
    print(f"genai-platform provenance {command}: {'error: ' if code == 2 else ''}{message}", file=sys.stderr)
    return code


def run_sign(args: argparse.Namespace) -> int:
    ensure_lambda_path()
    from botocore.exceptions import BotoCoreError, ClientError
    from genai_ingest.provenance import Origin, ProvenanceError, origin_problems, sign

    params: dict[str, str] = {}
    problems = [f"--param: {p!r} is not KEY=VALUE" for p in args.param if "=" not in p or p.startswith("=")]
    params = dict(p.split("=", 1) for p in args.param if "=" in p)
    origin = Origin(args.code_commit, args.training_image, tuple(args.training_data), params)
    problems += [f"--{p.split(':', 1)[0].replace('_', '-')}:{p.split(':', 1)[1]}" for p in origin_problems(origin)]
    if not args.model_dir.is_dir():
        problems.append(f"MODEL_DIR: {args.model_dir} is not a directory")
    if problems:
        for problem in problems:
            _fail("sign", problem, 2)
        return 2
    try:
        manifest = sign(args.model_dir, args.model, origin, _kms(args.region), args.key_id)
    except (ProvenanceError, ClientError, BotoCoreError) as exc:
        return _fail("sign", str(exc), 1)
    print(json.dumps({"signed": str(args.model_dir), "files": len(manifest["artifacts"])}))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    ensure_lambda_path()
    from botocore.exceptions import BotoCoreError, ClientError
    from genai_ingest.provenance import ProvenanceError, verify

    try:
        manifest = verify(args.model_dir, _kms(args.region), args.key_id)
    except (ProvenanceError, ClientError, BotoCoreError) as exc:
        return _fail("verify", f"FAILED: {exc}", 1)
    print(
        json.dumps({"verified": str(args.model_dir), "model": manifest["model"], "files": len(manifest["artifacts"])})
    )
    return 0
