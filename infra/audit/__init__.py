"""Post-deploy verification of a deployed account: `genai-platform audit`."""

from infra.audit.cli import configure_parser, run

__all__ = ["configure_parser", "run"]
