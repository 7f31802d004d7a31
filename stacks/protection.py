"""Retaining what prod's data depends on: `protect` and `retainOnDelete` on keys, secrets, image
repositories and log groups.

A destroy, or a change that replaces one of these, would otherwise schedule the deletion of the keys
that encrypt the retained buckets, or drop the audit record. Buckets get the same options from their
component; everything else is selected here, by type, so no component can forget it.
"""

from __future__ import annotations

import pulumi

# Resource type -> why prod keeps it.
RETAINED_TYPES: dict[str, str] = {
    "aws:kms/key:Key": "encrypts retained data; once deleted, whatever it encrypted cannot be read",
    "aws:secretsmanager/secret:Secret": "the rotated keys the filter pseudonymises and authenticates with",
    "aws:ecr/repository:Repository": "the images the cluster runs, pinned by digest",
    # Not only the trail's: the filter's per-request audit records, WAF, API and flow logs are the
    # evidence an incident needs (docs/runbooks/), kept for their retention period.
    "aws:cloudwatch/logGroup:LogGroup": "security evidence: audit records, request, WAF and flow logs",
}


def retain_data_stores() -> None:
    """From now on, every resource of a `RETAINED_TYPES` type is protected and retained on delete.
    Call before creating any resource."""

    def retain(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.type_ in RETAINED_TYPES:
            keep = pulumi.ResourceOptions(protect=True, retain_on_delete=True)
            return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(args.opts, keep))
        return None

    pulumi.runtime.register_stack_transformation(retain)
