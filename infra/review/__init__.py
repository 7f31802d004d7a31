"""Security review of stack diffs: `genai-platform review BASE HEAD`."""

from infra.review.cli import configure_parser, run

__all__ = ["configure_parser", "run"]
