"""The Pulumi program (`__main__.py`) and the `genai-platform` command."""
