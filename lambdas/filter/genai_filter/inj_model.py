"""A small learned injection model, evaluated in pure Python at run time.

Logistic regression over binary word unigram and bigram features of the normalised text, trained
offline by `tools/train_injection_model.py` and shipped as `model_injection.json` (feature -> weight).
The text is scored as a whole and line by line (long lines in chunks of ~60 words), and the best
window wins, so an instruction planted in a long e-mail or table is not diluted by the content around it.

Design choices against memorising the development data (see docs/filter-detection.md):
* features are words and word pairs only (no character n-grams, no length features);
* a feature is kept only if it occurs in at least two different sources of the training data;
* tokens outside the Latin script are dropped, so the model cannot learn "non-Latin script = safe"
  (the rules carry the multilingual phrasing);
* the model only ever *adds* a finding (never lowers a rule's score), and its own score is capped
  below the block threshold, so it cannot block without a rule signal.
"""

from __future__ import annotations

import json
import math
import re
from itertools import pairwise
from pathlib import Path

from genai_filter.rules.base import RuleHit, hit

__all__ = ["ENABLED", "MODEL_CAP", "features", "probability", "score_windows", "set_model", "windows"]

MODEL_PATH = Path(__file__).with_name("model_injection.json")
# Off by default: leave-one-source-out evaluation showed that the word model adds no detections on
# unseen sources and only false positives when it may block (docs/filter-detection.md). The code and the
# training tool stay so the experiment can be repeated; `tools/train_injection_model.py` enables it.
ENABLED = False
# The model's finding score is `MODEL_CAP * p`, below the block threshold of 0.5: the model never blocks
# on its own, it only tips a weak rule signal over the threshold (see `injection._combine`).
# Leave-one-source-out runs showed that on unseen sources it adds few detections and some false
# positives when allowed to block alone (docs/filter-detection.md).
MODEL_CAP = 0.45

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+|[^\w\s]")
_WORD_CHUNK = 60

_STATE: dict[str, tuple[float, dict[str, float]]] = {}


def set_model(bias: float, weights: dict[str, float]) -> None:
    """Replace the loaded model (used by the training tool's evaluation)."""
    _STATE["model"] = (bias, weights)


def _load() -> tuple[float, dict[str, float]]:
    model = _STATE.get("model")
    if model is None:
        try:
            data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
            model = (float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()})
        except (OSError, ValueError, KeyError):
            model = (0.0, {})
        _STATE["model"] = model
    return model


def features(text: str) -> set[str]:
    """Binary features of a (normalised, lower-case) window: unigrams and bigrams of ASCII tokens."""
    toks = ["0" if t[0].isdigit() else t for t in _TOKEN.findall(text)]
    feats = set(toks)
    feats.update(f"{a} {b}" for a, b in pairwise(toks))
    return feats


def windows(text: str) -> list[tuple[int, int]]:
    """The whole text (first 4,000 characters) plus each line, long lines in chunks of ~60 words."""
    out: list[tuple[int, int]] = [(0, min(len(text), 4000))]
    if "\n" not in text and len(text) < 400:
        return out
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl == -1:
            nl = n
        if nl - pos >= 12:
            line_words = [m.start() for m in re.finditer(r"\S+", text[pos:nl])]
            if len(line_words) <= _WORD_CHUNK:
                out.append((pos, nl))
            else:
                for k in range(0, len(line_words), _WORD_CHUNK // 2):
                    a = pos + line_words[k]
                    last = min(k + _WORD_CHUNK, len(line_words))
                    b = pos + line_words[last - 1] if last < len(line_words) else nl
                    out.append((a, b if last < len(line_words) else nl))
                    if last == len(line_words):
                        break
        pos = nl + 1
        if len(out) > 400:  # 64 KB inputs: bound the work
            break
    return out


def probability(feats: set[str], bias: float, weights: dict[str, float]) -> float:
    if not feats:
        return 0.0
    z = sum(weights.get(f, 0.0) for f in feats) / math.sqrt(len(feats)) + bias
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def score_windows(text: str) -> list[RuleHit]:
    """A LEARNED_MODEL hit for the best-scoring window (if its probability is at least 0.5)."""
    if not ENABLED:
        return []
    bias, weights = _load()
    if not weights:
        return []
    best = 0.0
    span = (0, 0)
    for a, b in windows(text):
        p = probability(features(text[a:b]), bias, weights)
        if p > best:
            best, span = p, (a, b)
    if best < 0.5:
        return []
    return [hit("LEARNED_MODEL", span[0], span[1], MODEL_CAP * best)]
