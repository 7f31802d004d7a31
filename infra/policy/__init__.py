"""Offline policy evaluation: run the CrossGuard pack over a recorded plan through its gRPC interface."""

from infra.policy.config import load_policy_config
from infra.policy.errors import PolicyPackError
from infra.policy.process import PackProcess
from infra.policy.render import render_policy_text
from infra.policy.runner import evaluate_plan, run_pack

__all__ = ["PackProcess", "PolicyPackError", "evaluate_plan", "load_policy_config", "render_policy_text", "run_pack"]
