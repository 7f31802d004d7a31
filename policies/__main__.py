"""genai-platform policy pack. Started by the engine as ``python -m pulumi.policy <engine> <pack dir>``
with the pack dir as cwd; runpy puts the pack dir on sys.path, so ``rules`` resolves to ./rules."""

import gc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import all_policies
from rules._dispatch import install

# GENAI_POLICY_SDK_SERVICER=1 keeps the SDK's own servicer (tests compare the two).
if os.environ.get("GENAI_POLICY_SDK_SERVICER") != "1":
    install()

# The SDK re-deserializes every resource for every stack policy; with the default thresholds the
# cyclic GC rescans those short-lived graphs over and over (≈30 % of AnalyzeStack on 5,000 resources).
gc.set_threshold(100_000, 20, 100)

PolicyPack(
    name="genai-platform",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
    description="Security guardrails for the genai-platform AWS/EKS stacks.",
    provider="aws",
    tags=["aws", "eks", "kubernetes", "genai"],
)
