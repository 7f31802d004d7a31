"""`genai-platform provenance verify`: see infra.ingest.provenance."""

from infra.ingest.provenance import configure_common as configure_parser
from infra.ingest.provenance import run_verify as run

__all__ = ["configure_parser", "run"]
