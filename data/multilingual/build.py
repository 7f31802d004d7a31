"""Build `prompts.jsonl` (the multilingual parity data) from `src/*.tsv` and the repository's dev data.

    python data/multilingual/build.py        # rewrites data/multilingual/prompts.jsonl
    python data/multilingual/build.py --check  # exit 1 if the file is not what the sources give

Every English original must be found, byte for byte, in `data/datasets/prompts_dev.jsonl` (deepset, giskard)
or `data/redteam/corpus.jsonl` (redteam), unless its source is `project`. Provenance: README.md beside this file.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "prompts.jsonl"

# Held out of tuning: these pair_ids in every language (>= 30% of the attack and of the benign pairs) ...
HELDOUT_PAIRS = frozenset({"a03", "a07", "a10", "a14", "a17", "a20", "a23", "a26", "a29", "a31"}) | frozenset(
    {"b02", "b05", "b09", "b13", "b16"}
)
# ... and every row of these languages.
HELDOUT_LANGS = frozenset({"id", "pl"})
# native benign rows of the dev data, for the languages translated here
NATIVE_SOURCES = ("mgsm", "mt-bench-multilingual")
NATIVE_HELDOUT_PERCENT = 30


def _dev_rows() -> list[dict[str, str]]:
    with (ROOT / "data" / "datasets" / "prompts_dev.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _redteam_texts() -> set[str]:
    with (ROOT / "data" / "redteam" / "corpus.jsonl").open(encoding="utf-8") as fh:
        return {json.loads(line)["text"] for line in fh}


def _tsv(path: Path) -> list[list[str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            fields = line.split("\t")
            if not fields[-1].strip():
                raise SystemExit(f"{path.name}:{n}: empty text")
            rows.append(fields)
    return rows


def build() -> list[dict[str, str]]:
    dev = _dev_rows()
    dev_texts = {r["text"]: r["source"] for r in dev}
    redteam = _redteam_texts()
    english: dict[str, tuple[str, str]] = {}
    for pair_id, source, text in _tsv(HERE / "src" / "en.tsv"):
        if source in ("deepset", "giskard") and dev_texts.get(text) != source:
            raise SystemExit(f"en.tsv {pair_id}: not found in the {source} rows of prompts_dev.jsonl")
        if source == "redteam" and text not in redteam:
            raise SystemExit(f"en.tsv {pair_id}: not found in data/redteam/corpus.jsonl")
        english[pair_id] = (source, text)
    out: list[dict[str, str]] = []

    def add(text: str, pair_id: str, lang: str, source: str, origin: str, split: str | None = None) -> None:
        label = "attack" if pair_id.startswith("a") else "benign"
        if split is None:
            split = "heldout" if pair_id in HELDOUT_PAIRS or lang in HELDOUT_LANGS else "tune"
        out.append(
            {
                "text": text,
                "label": label,
                "lang": lang,
                "source": source,
                "origin": origin,
                "pair_id": pair_id,
                "split": split,
            }
        )

    for pair_id, (source, text) in english.items():
        add(text, pair_id, "en", source, "original")
    langs = sorted(p.stem for p in (HERE / "src").glob("*.tsv") if p.stem != "en")
    for lang in langs:
        seen = set()
        for pair_id, text in _tsv(HERE / "src" / f"{lang}.tsv"):
            if pair_id not in english or pair_id in seen:
                raise SystemExit(f"{lang}.tsv: unknown or repeated pair_id {pair_id}")
            seen.add(pair_id)
            # deepset ships German versions of some of its attacks: those rows keep deepset as their origin
            origin = "deepset-translation" if dev_texts.get(text) == "deepset" else "translated-by-project"
            add(text, pair_id, lang, english[pair_id][0], origin)
        if seen != set(english):
            raise SystemExit(f"{lang}.tsv: missing pair_ids {sorted(set(english) - seen)}")
    n = 0
    for row in dev:
        if row["source"] in NATIVE_SOURCES and row["lang"] in langs:
            n += 1
            digest = int(hashlib.sha256(row["text"].encode("utf-8")).hexdigest()[:8], 16)
            held = digest % 100 < NATIVE_HELDOUT_PERCENT or row["lang"] in HELDOUT_LANGS
            add(row["text"], f"n{n:03d}", row["lang"], row["source"], "original", "heldout" if held else "tune")
    return out


def main(argv: list[str]) -> int:
    rows = build()
    content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != content:
            print(f"{OUT} is out of date: run python data/multilingual/build.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(content, encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
