"""Model provenance: a manifest of every artifact file's SHA-256 and where the model came from, signed
with a KMS asymmetric key (ECDSA P-256). `verify` is what the inference pod's init container runs
before the model server starts; it names the first file or field that does not match.

Layout: the manifest and its signature live in `<model dir>/.provenance/` and are not artifacts.

    python -m genai_ingest.provenance verify MODEL_DIR --key-id KEY_ARN
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genai_ingest.lineage import sha256_stream

MANIFEST_FORMAT = 1
PROVENANCE_DIR = ".provenance"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig.json"
ALGORITHM = "ECDSA_SHA_256"


class ProvenanceError(Exception):
    """Verification or signing failed; the message says which file or field and why."""


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_stream(handle.read)[0]


def artifact_files(model_dir: Path) -> dict[str, Path]:
    """Every file under the model directory except the provenance files, by POSIX relative path."""
    if not model_dir.is_dir():
        raise ProvenanceError(f"{model_dir}: not a directory")
    out: dict[str, Path] = {}
    for path in sorted(model_dir.rglob("*")):
        relative = path.relative_to(model_dir)
        if relative.parts[0] == PROVENANCE_DIR:
            continue
        if path.is_symlink():
            raise ProvenanceError(f"{relative.as_posix()}: a symbolic link; artifacts must be regular files")
        if path.is_file():
            out[relative.as_posix()] = path
    return out


def canonical(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True, slots=True)
class Origin:
    code_commit: str
    training_image: str
    training_data: tuple[str, ...]
    parameters: Mapping[str, Any]


def origin_problems(origin: Origin) -> list[str]:
    problems = []
    if len(origin.code_commit) not in (40, 64) or any(c not in "0123456789abcdef" for c in origin.code_commit):
        problems.append(f"code_commit: {origin.code_commit!r} is not a full git commit id (40 or 64 hex digits)")
    if "@sha256:" not in origin.training_image:
        problems.append(f"training_image: {origin.training_image!r} is not pinned by digest (repo@sha256:...)")
    if not origin.training_data:
        problems.append("training_data: at least one lineage ref (s3://bucket/key#version) is required")
    for ref in origin.training_data:
        rest = ref[5:] if ref.startswith("s3://") else ""
        if "/" not in rest or "#" not in rest:
            problems.append(f"training_data: {ref!r} is not s3://bucket/key#version")
    return problems


def training_data(body: bytes) -> tuple[str, ...]:
    """The lineage refs of a manifest's training data; ProvenanceError when it has none."""
    try:
        manifest = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProvenanceError(f"manifest is not valid JSON ({exc})") from None
    refs = manifest.get("training_data") if isinstance(manifest, dict) else None
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise ProvenanceError("manifest has no 'training_data' list of lineage refs")
    return tuple(refs)


def build_manifest(model_dir: Path, model: str, origin: Origin, now: datetime | None = None) -> dict[str, Any]:
    problems = origin_problems(origin)
    if problems:
        raise ProvenanceError("; ".join(problems))
    files = artifact_files(model_dir)
    if not files:
        raise ProvenanceError(f"{model_dir}: no artifact files to sign")
    return {
        "format": MANIFEST_FORMAT,
        "model": model,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "artifacts": {name: {"sha256": file_sha256(p), "size": p.stat().st_size} for name, p in files.items()},
        "training_data": list(origin.training_data),
        "code_commit": origin.code_commit,
        "training_image": origin.training_image,
        "parameters": dict(origin.parameters),
    }


def sign(model_dir: Path, model: str, origin: Origin, kms: Any, key_id: str) -> dict[str, Any]:
    """Write the manifest and its signature into `<model_dir>/.provenance/`; return the manifest."""
    manifest = build_manifest(model_dir, model, origin)
    body = canonical(manifest)
    out = kms.sign(
        KeyId=key_id, Message=hashlib.sha256(body).digest(), MessageType="DIGEST", SigningAlgorithm=ALGORITHM
    )
    signature = {
        "key_id": out["KeyId"],
        "algorithm": ALGORITHM,
        "signature": base64.b64encode(out["Signature"]).decode(),
    }
    target = model_dir / PROVENANCE_DIR
    target.mkdir(exist_ok=True)
    (target / MANIFEST_FILE).write_bytes(body)
    (target / SIGNATURE_FILE).write_text(json.dumps(signature, sort_keys=True), encoding="utf-8")
    return manifest


def _load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ProvenanceError(f"{path}: {what} missing") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProvenanceError(f"{path}: {what} is not valid JSON ({exc})") from None


def verify(model_dir: Path, kms: Any, key_id: str) -> dict[str, Any]:
    """Check the signature with `key_id` (the expected signer, never taken from the files), then every
    artifact's hash; raise ProvenanceError naming the first mismatch. Returns the verified manifest."""
    manifest_path = model_dir / PROVENANCE_DIR / MANIFEST_FILE
    body_obj = _load_json(manifest_path, "manifest")
    signature = _load_json(model_dir / PROVENANCE_DIR / SIGNATURE_FILE, "signature")
    try:
        raw_signature = base64.b64decode(signature["signature"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise ProvenanceError(f"{model_dir / PROVENANCE_DIR / SIGNATURE_FILE}: no valid base64 'signature'") from None
    body = manifest_path.read_bytes()
    if body != canonical(body_obj):
        raise ProvenanceError(f"{manifest_path}: not in canonical form (edited after signing)")
    try:
        result = kms.verify(
            KeyId=key_id,
            Message=hashlib.sha256(body).digest(),
            MessageType="DIGEST",
            Signature=raw_signature,
            SigningAlgorithm=ALGORITHM,
        )
        valid = bool(result.get("SignatureValid"))
    except kms.exceptions.KMSInvalidSignatureException:
        valid = False
    if not valid:
        raise ProvenanceError(
            f"{manifest_path}: signature does not verify with key {key_id} (tampered or wrong signer)"
        )
    if body_obj.get("format") != MANIFEST_FORMAT or not isinstance(body_obj.get("artifacts"), dict):
        raise ProvenanceError(f"{manifest_path}: unknown manifest format {body_obj.get('format')!r}")
    expected: dict[str, Any] = body_obj["artifacts"]
    present = artifact_files(model_dir)
    for name in sorted(expected):
        if name not in present:
            raise ProvenanceError(f"{name}: listed in the manifest but missing from {model_dir}")
        if file_sha256(present[name]) != expected[name]["sha256"]:
            raise ProvenanceError(f"{name}: SHA-256 does not match the signed manifest")
    extra = sorted(set(present) - set(expected))
    if extra:
        raise ProvenanceError(f"{extra[0]}: not in the signed manifest ({len(extra)} unlisted file(s))")
    return dict(body_obj)


def fetch(s3: Any, uri: str, model_dir: Path) -> int:
    """Download every object under `s3://bucket/prefix/` into `model_dir`; the number of files. Keys that
    would land outside the directory are refused rather than skipped."""
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ProvenanceError(f"--from: {uri!r} is not s3://bucket/prefix/")
    bucket, _, prefix = uri[5:].partition("/")
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            relative = obj["Key"][len(prefix) :].lstrip("/")
            parts = relative.split("/")
            if not relative or relative.endswith("/"):
                continue
            if any(part in ("", ".", "..") for part in parts):
                raise ProvenanceError(f"s3://{bucket}/{obj['Key']}: key would land outside {model_dir}")
            target = model_dir.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, obj["Key"], str(target))
            count += 1
    if not count:
        raise ProvenanceError(f"{uri}: no objects under this prefix")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """The init container's entry point: exit 0 when the model verifies, 1 (with the reason) otherwise."""
    parser = argparse.ArgumentParser(prog="genai-provenance-verify", description="verify a model directory")
    parser.add_argument("command", choices=["verify"])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--region", default=None)
    parser.add_argument("--from", dest="from_uri", default=None, help="s3://bucket/prefix/ to download first")
    args = parser.parse_args(argv)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        if args.from_uri:
            fetch(boto3.client("s3", region_name=args.region), args.from_uri, args.model_dir)
        manifest = verify(args.model_dir, boto3.client("kms", region_name=args.region), args.key_id)
    except (ClientError, BotoCoreError) as exc:
        print(f"model provenance verification FAILED, refusing to serve: KMS: {exc}", file=sys.stderr)
        return 1
    except ProvenanceError as exc:
        print(f"model provenance verification FAILED, refusing to serve: {exc}", file=sys.stderr)
        return 1
    print(f"model provenance verified: {manifest['model']} ({len(manifest['artifacts'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
