"""`genai-platform preflight`: what a real deploy of a stack needs that its settings or the account lack."""
