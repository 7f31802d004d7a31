"""CLI side of the prompt/response filter: offline evaluation and a local development server."""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDA_ROOT = Path(__file__).resolve().parents[2] / "lambdas" / "filter"


def ensure_lambda_path() -> None:
    """Make the filter Lambda's code root (`lambdas/filter`) importable, as it is inside Lambda."""
    root = str(LAMBDA_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
