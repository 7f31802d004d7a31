"""`genai-platform provenance sign`: see infra.ingest.provenance."""

from infra.ingest.provenance import configure_sign as configure_parser
from infra.ingest.provenance import run_sign as run

__all__ = ["configure_parser", "run"]
