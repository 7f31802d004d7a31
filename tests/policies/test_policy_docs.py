"""The generated policy files are up to date, and the control catalogue matches the pack."""

from __future__ import annotations

import sys

from tests.policies.conftest import PACK_DIR
from tests.policies.examples import registry
from tools import policy_docs


def test_generated_files_are_up_to_date() -> None:
    assert policy_docs.main(["--check"]) == 0, "run .venv/bin/python tools/policy_docs.py"


def test_catalogue_names_every_rule_and_every_decidable_control_has_a_rule() -> None:
    sys.path.insert(0, str(PACK_DIR))
    from rules._controls import FSBP_CONTROLS, PLATFORM_ONLY, RULE_FSBP

    names = set(registry())
    assert set(RULE_FSBP) == names
    assert names >= PLATFORM_ONLY
    used = {c for controls in RULE_FSBP.values() for c in controls}
    assert used <= set(FSBP_CONTROLS), sorted(used - set(FSBP_CONTROLS))
    decidable = {c for c, (_, reason) in FSBP_CONTROLS.items() if not reason}
    assert decidable == used, {
        "decidable without rule": sorted(decidable - used),
        "rule on undecidable": sorted(used - decidable),
    }
