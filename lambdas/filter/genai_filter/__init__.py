"""Prompt and response screening for the GenAI platform's fast filtering path (stdlib only)."""
