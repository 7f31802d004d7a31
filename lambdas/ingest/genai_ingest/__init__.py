"""Ingestion scanning: reads a document, screens it with the filter's detectors, returns a verdict."""

SCANNER_VERSION = "1.0.0"
