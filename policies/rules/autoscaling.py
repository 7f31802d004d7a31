"""Auto Scaling: launch configurations (IMDSv2, encrypted volumes, no public IPs) and groups that
still use them."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, LOW, Meta, Res, as_list, dig, insecure, resource_rule, secure, truthy

LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
GROUP = "aws:autoscaling/group:Group"


def _imdsv2(res: Res) -> Iterator[str]:
    if dig(res.props, "metadataOptions", "httpTokens") != "required":
        yield f"Launch configuration '{res.name}' allows IMDSv1 (metadataOptions.httpTokens != 'required')."


def _ebs(res: Res) -> Iterator[str]:
    if not truthy(dig(res.props, "rootBlockDevice", "encrypted")):
        yield f"Launch configuration '{res.name}' does not encrypt its root volume."
    for device in as_list(res.props.get("ebsBlockDevices")):
        if not truthy(dig(device, "encrypted")):
            yield f"Launch configuration '{res.name}' volume {dig(device, 'deviceName') or '?'} is not encrypted."


def _public_ip(res: Res) -> Iterator[str]:
    if truthy(res.props.get("associatePublicIpAddress")):
        yield f"Launch configuration '{res.name}' gives instances public IP addresses."


def _launch_template(res: Res) -> Iterator[str]:
    if res.props.get("launchConfiguration"):
        yield f"Auto Scaling group '{res.name}' uses a launch configuration instead of a launch template."


_GOOD = {
    "imageId": "ami-1",
    "instanceType": "t3.micro",
    "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled"},
    "rootBlockDevice": {"encrypted": True, "volumeSize": 20},
}


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-autoscaling-launch-configuration-imdsv2",
                "Launch configurations require IMDSv2.",
                HIGH,
                (),
                "Set metadata_options={http_tokens: 'required'} (better: move to an aws.ec2.LaunchTemplate).",
                examples=(secure(_GOOD), insecure({**_GOOD, "metadataOptions": None})),
            ),
            [LAUNCH_CONFIGURATION],
            _imdsv2,
        ),
        resource_rule(
            Meta(
                "aws-autoscaling-launch-configuration-ebs-encrypted",
                "Launch configurations encrypt their EBS volumes.",
                HIGH,
                (),
                "Set root_block_device={encrypted: True} and encrypted=True on every ebs_block_device.",
                examples=(secure(_GOOD), insecure({**_GOOD, "rootBlockDevice": {"volumeSize": 20}})),
            ),
            [LAUNCH_CONFIGURATION],
            _ebs,
        ),
        resource_rule(
            Meta(
                "aws-autoscaling-launch-configuration-no-public-ip",
                "Launch configurations do not give instances public IPs.",
                HIGH,
                (),
                "Set associate_public_ip_address=False and put instances behind a load balancer or NAT.",
                examples=(secure(_GOOD), insecure({**_GOOD, "associatePublicIpAddress": True})),
            ),
            [LAUNCH_CONFIGURATION],
            _public_ip,
        ),
        resource_rule(
            Meta(
                "aws-autoscaling-group-launch-template",
                "Auto Scaling groups use launch templates.",
                LOW,
                (),
                "Replace launch_configuration with launch_template={id: <template id>, version: '$Latest'}.",
                examples=(
                    secure({"maxSize": 2, "minSize": 1, "launchTemplate": {"id": "lt-1", "version": "$Latest"}}),
                    insecure({"maxSize": 2, "minSize": 1, "launchConfiguration": "lc-1"}),
                ),
            ),
            [GROUP],
            _launch_template,
        ),
    ]
