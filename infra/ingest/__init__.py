"""CLI side of ingestion scanning, lineage and model provenance."""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"


def ensure_lambda_path() -> None:
    """Make the scanner's code roots importable, as they are inside its Lambda package."""
    for root in (str(LAMBDAS / "filter"), str(LAMBDAS / "ingest")):
        if root not in sys.path:
            sys.path.insert(0, root)
