"""The regional WAFv2 web ACL in front of the REST API stage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document
from components.kms import EncryptionKey
from components.log_group import EncryptedLogGroup, LogGroupArgs

# WAF logs may only go to log groups whose name starts with this.
WAF_LOG_PREFIX = "aws-waf-logs-"
# Headers that carry credentials; they are replaced by REDACTED in WAF logs.
REDACTED_HEADERS = ("authorization", "x-api-key")
RATE_WINDOW_SECONDS = 300
# Managed rules that inspect the request body. On a prompt route the body is the prompt, and these
# match what users paste into a chat and what /v1/screen exists to classify: HTML and JavaScript,
# `../` paths, URLs with IPv4 hosts, 169.254.169.254, Java and JNDI snippets, React payloads. Nothing
# behind a prompt route includes files, renders HTML or runs Java, so they only count there (their
# labels are kept), and `body-rules-outside-prompt-routes` blocks on those labels everywhere else.
# Their header, cookie, query and URI-path variants still block on every route (docs/request-path.md).
PROMPT_BODY_RULES: dict[str, tuple[str, ...]] = {
    "AWSManagedRulesKnownBadInputsRuleSet": ("JavaDeserializationRCE_BODY", "Log4JRCE_BODY"),
    "AWSManagedRulesCommonRuleSet": (
        "CrossSiteScripting_BODY",
        "GenericLFI_BODY",
        "GenericRFI_BODY",
        "EC2MetaDataSSRF_BODY",
    ),
}
LABEL_NAMESPACES = {
    "AWSManagedRulesKnownBadInputsRuleSet": "awswaf:managed:aws:known-bad-inputs:",
    "AWSManagedRulesCommonRuleSet": "awswaf:managed:aws:core-rule-set:",
}
# Counted on every route: `body-size-limit` enforces the filter's own, larger limit.
COUNTED_RULES = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}


@dataclass
class WebAclArgs:
    acl_name: str
    stage_arn: pulumi.Input[str]
    rate_limit_per_ip: int
    chat_rate_limit_per_ip: int
    chat_path: str
    """The URI path the tighter rate limit applies to (matched with CONTAINS, lower-cased)."""
    anonymous_ip_list: bool
    body_inspection_limit: str
    """`KB_16` … `KB_64`: how much of the body API Gateway forwards to WAF for inspection."""
    max_body_bytes: int
    """The filter's body limit: larger bodies are blocked here (and bodies beyond the inspection limit too)."""
    prompt_paths: Sequence[str]
    """The routes whose bodies are prompts (matched at the end of the URI path, after any stage name)."""
    logs_key: EncryptionKey
    log_retention_days: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str


class WebAcl(pulumi.ComponentResource):
    """A REGIONAL web ACL associated with the API stage:

    - AWS managed groups: IP reputation, (anonymous IPs), known bad inputs, common rule set — the common
      set's 8 KB body rule is counted only, because the body-size rule below enforces the filter's limit;
    - their rules that inspect bodies (`PROMPT_BODY_RULES`) count, and a label rule blocks what they
      match on every path but the prompt routes, whose bodies the filter judges;
    - a body size constraint at the filter's limit, with `oversize_handling: MATCH` so bodies larger
      than the explicit inspection limit are blocked rather than passed uninspected;
    - first, a block on the `blocked-sources` IP set that the filter feedback loop maintains;
    - a per-IP rate-based rule, and a tighter one scoped down to the chat path;
    - logging to an `aws-waf-logs-*` CMK-encrypted log group, with credential headers redacted.
    """

    acl: aws.wafv2.WebAcl
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: WebAclArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:edge:WebAcl", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if not args.acl_name:
            raise ValueError(f"{name}: the web ACL needs a name")
        if not args.prompt_paths or not all(p.startswith("/") for p in args.prompt_paths):
            raise ValueError(f"{name}: prompt_paths must be URI paths starting with '/', got {list(args.prompt_paths)}")

        # Filled and emptied by the source block list (lambdas/response/blocklist.py), never by Pulumi.
        self.blocked_sources = aws.wafv2.IpSet(
            f"{name}-blocked-sources",
            name=f"{args.acl_name}-blocked-sources",
            description="Sources blocked by the filter feedback loop",
            scope="REGIONAL",
            ip_address_version="IPV4",
            addresses=[],
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["addresses"]),
        )
        managed = ["AWSManagedRulesAmazonIpReputationList"]
        if args.anonymous_ip_list:
            managed.append("AWSManagedRulesAnonymousIpList")
        managed += ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"]
        rules: list[Any] = [
            {
                "name": "blocked-sources",
                "priority": 0,
                "action": {"block": {}},
                "statement": {"ip_set_reference_statement": {"arn": self.blocked_sources.arn}},
                "visibility_config": _visibility(f"{args.acl_name}-blocked-sources"),
            }
        ]
        for group in managed:
            statement: dict[str, Any] = {"vendor_name": "AWS", "name": group}
            counted = (*COUNTED_RULES.get(group, ()), *PROMPT_BODY_RULES.get(group, ()))
            if counted:
                statement["rule_action_overrides"] = [
                    {"name": rule, "action_to_use": {"count": {}}} for rule in counted
                ]
            rules.append(
                {
                    "name": group,
                    "priority": len(rules),
                    "override_action": {"none": {}},
                    "statement": {"managed_rule_group_statement": statement},
                    "visibility_config": _visibility(f"{args.acl_name}-{group}"),
                }
            )
        rules.append(
            {
                "name": "body-rules-outside-prompt-routes",
                "priority": len(rules),
                "action": {"block": {}},
                "statement": {
                    "and_statement": {
                        "statements": [
                            {"or_statement": {"statements": [_label(label) for label in prompt_body_labels()]}},
                            {"not_statement": {"statement": _path_ends_with(args.prompt_paths)}},
                        ]
                    }
                },
                "visibility_config": _visibility(f"{args.acl_name}-body-rules-outside-prompt-routes"),
            }
        )
        rules.append(
            {
                "name": "body-size-limit",
                "priority": len(rules),
                "action": {"block": {}},
                "statement": {
                    "size_constraint_statement": {
                        "comparison_operator": "GT",
                        "size": args.max_body_bytes,
                        "field_to_match": {"body": {"oversize_handling": "MATCH"}},
                        "text_transformations": [{"priority": 0, "type": "NONE"}],
                    }
                },
                "visibility_config": _visibility(f"{args.acl_name}-body-size-limit"),
            }
        )
        rules.append(
            {
                "name": "rate-limit-per-ip",
                "priority": len(rules),
                "action": {"block": {}},
                "statement": {
                    "rate_based_statement": {
                        "limit": args.rate_limit_per_ip,
                        "aggregate_key_type": "IP",
                        "evaluation_window_sec": RATE_WINDOW_SECONDS,
                    }
                },
                "visibility_config": _visibility(f"{args.acl_name}-rate-limit-per-ip"),
            }
        )
        rules.append(
            {
                "name": "chat-rate-limit-per-ip",
                "priority": len(rules),
                "action": {"block": {}},
                "statement": {
                    "rate_based_statement": {
                        "limit": args.chat_rate_limit_per_ip,
                        "aggregate_key_type": "IP",
                        "evaluation_window_sec": RATE_WINDOW_SECONDS,
                        "scope_down_statement": {
                            "byte_match_statement": {
                                "search_string": args.chat_path,
                                "positional_constraint": "CONTAINS",
                                "field_to_match": {"uri_path": {}},
                                "text_transformations": [{"priority": 0, "type": "LOWERCASE"}],
                            }
                        },
                    }
                },
                "visibility_config": _visibility(f"{args.acl_name}-chat-rate-limit-per-ip"),
            }
        )

        allow: aws.wafv2.WebAclDefaultActionArgsDict = {"allow": {}}
        inspection: aws.wafv2.WebAclAssociationConfigArgsDict = {
            "request_bodies": [{"api_gateway": {"default_size_inspection_limit": args.body_inspection_limit}}]
        }
        self.acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            name=args.acl_name,
            description="GenAI platform API edge",
            scope="REGIONAL",
            default_action=allow,
            rules=rules,
            association_config=inspection,
            visibility_config=_visibility(args.acl_name),
            opts=child,
        )
        self.arn = self.acl.arn
        aws.wafv2.WebAclAssociation(
            f"{name}-association", resource_arn=args.stage_arn, web_acl_arn=self.acl.arn, opts=child
        )
        self.log_group = EncryptedLogGroup(
            f"{name}-logs",
            LogGroupArgs(
                log_group_name=f"{WAF_LOG_PREFIX}{args.acl_name}",
                retention_days=args.log_retention_days,
                key=args.logs_key,
            ),
            opts=child,
        )
        # WAF delivers through CloudWatch Logs' log delivery service; allow exactly this group, for this
        # account, instead of letting WAF widen the account's log resource policy on first use.
        delivery = aws.cloudwatch.LogResourcePolicy(
            f"{name}-log-delivery",
            policy_name=f"{WAF_LOG_PREFIX}{args.acl_name}-delivery",
            policy_document=policy_document(
                [
                    Grant(
                        sid="WafLogDelivery",
                        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                        resources=[pulumi.Output.concat(self.log_group.arn, ":log-stream:*")],
                        principals={"Service": ["delivery.logs.amazonaws.com"]},
                        condition={
                            "StringEquals": {"aws:SourceAccount": args.account_id},
                            "ArnLike": {
                                "aws:SourceArn": pulumi.Output.format(
                                    "arn:{0}:logs:{1}:{2}:*", args.partition, args.region, args.account_id
                                )
                            },
                        },
                    )
                ]
            ),
            opts=child,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.acl.arn,
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[{"single_header": {"name": header}} for header in REDACTED_HEADERS],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery]),
        )
        self.register_outputs({"arn": self.arn, "name": self.acl.name})


def prompt_body_labels() -> list[str]:
    """The labels `PROMPT_BODY_RULES` add when they match (`…_BODY` rules label `…_Body`)."""
    return [
        f"{LABEL_NAMESPACES[group]}{rule.removesuffix('_BODY')}_Body"
        for group, group_rules in PROMPT_BODY_RULES.items()
        for rule in group_rules
    ]


def _label(key: str) -> dict[str, Any]:
    return {"label_match_statement": {"scope": "LABEL", "key": key}}


def _path_ends_with(paths: Sequence[str]) -> dict[str, Any]:
    # API Gateway routes on the exact, case-sensitive path, so no text transformation.
    return {
        "regex_match_statement": {
            "regex_string": f"({'|'.join(re.escape(p) for p in paths)})$",
            "field_to_match": {"uri_path": {}},
            "text_transformations": [{"priority": 0, "type": "NONE"}],
        }
    }


def _visibility(metric_name: str) -> aws.wafv2.WebAclVisibilityConfigArgsDict:
    # Sampled requests would keep full request headers (credentials included) for the console; off.
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric_name.replace("AWSManagedRules", ""),
        "sampled_requests_enabled": False,
    }
