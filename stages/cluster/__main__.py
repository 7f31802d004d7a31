"""The cluster stage's Pulumi program: Kubernetes baseline and workloads (wiring only).

Its stack is named after the environment; every input comes from that environment's platform stack.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pulumi

from stacks.cluster import build_cluster_stage
from stacks.load import refuse_deploy
from stacks.prerequisites import cluster_blockers
from stacks.stages import cluster_inputs

inputs = cluster_inputs(pulumi.get_stack())
# This stage's own placeholders (image digests): the platform stage does not refuse them.
refuse_deploy(pulumi.get_stack(), cluster_blockers(inputs.kubernetes, inputs.guard_classifier))
build_cluster_stage(inputs)
