"""Per-environment settings and the composition of the platform."""
