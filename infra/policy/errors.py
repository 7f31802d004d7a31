"""Errors of offline policy evaluation."""


class PolicyPackError(Exception):
    """The pack is missing, does not start, or broke the protocol; the message is one line."""
