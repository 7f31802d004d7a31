"""Scanner settings from the Lambda environment; every problem reported at once."""

from __future__ import annotations

from collections.abc import Mapping

from genai_ingest.formats import FORMATS
from genai_ingest.pipeline import Settings
from genai_ingest.scan import DEFAULT_MAX_BYTES, Limits, limit_problems

ENV_MAX_BYTES = "INGEST_MAX_BYTES"
ENV_FORMATS = "INGEST_FORMATS"
ENV_QUARANTINE_BUCKET = "INGEST_QUARANTINE_BUCKET"
ENV_LINEAGE_TABLE = "INGEST_LINEAGE_TABLE"
_ENV_NAMES = {"max_bytes": ENV_MAX_BYTES, "formats": ENV_FORMATS, "max_csv_field": ENV_MAX_BYTES}


class ConfigError(ValueError):
    """The environment is wrong; the message lists every problem."""


def load(env: Mapping[str, str]) -> Settings:
    problems: list[str] = []
    raw_size = env.get(ENV_MAX_BYTES, str(DEFAULT_MAX_BYTES))
    try:
        max_bytes = int(raw_size)
    except ValueError:
        problems.append(f"{ENV_MAX_BYTES}: {raw_size!r} is not an integer number of bytes")
        max_bytes = DEFAULT_MAX_BYTES
    formats = tuple(f.strip() for f in env.get(ENV_FORMATS, ",".join(FORMATS)).split(",") if f.strip())
    problems.extend(f"{_ENV_NAMES[key]}: {message}" for key, message in limit_problems(max_bytes, formats, 1))
    for name in (ENV_QUARANTINE_BUCKET, ENV_LINEAGE_TABLE):
        if not env.get(name):
            problems.append(f"{name}: required, not set")
    if problems:
        raise ConfigError("; ".join(problems))
    return Settings(Limits(max_bytes=max_bytes, formats=formats), env[ENV_QUARANTINE_BUCKET], env[ENV_LINEAGE_TABLE])
