"""Mechanism rules for prompt-injection and jailbreak detection, run on normalised (lower-case) text.

Each module holds one mechanism and exports named `Rule` and `Composite` records (see `base`); `registry`
lists them all in scan order. Scores are calibrated so that one strong mechanism (e.g. "ignore all previous
instructions", a chat-template token, a fake system role block) reaches the block threshold on its own,
while weak signals (a persona word, "for educational purposes", a harmful topic) only block in combination.

All patterns are linear-time: every repetition is bounded or over a single character class that the
following token cannot also match, and every pattern begins with a literal or a bounded class.
"""
