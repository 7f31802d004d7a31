"""Private DNS for in-VPC services whose address is known only after a later stage creates them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class PrivateZoneArgs:
    domain: str
    vpc_id: pulumi.Input[str]


class PrivateZone(pulumi.ComponentResource):
    """A Route 53 private hosted zone resolvable only inside the VPC.

    The platform stage fixes a service's name here (`<service>.<domain>`) before the cluster stage
    creates the load balancer behind it; the cluster stage then points the name at the load balancer
    (`ServiceAlias`). Callers configured with the name (the filter function) never change.
    """

    zone: aws.route53.Zone
    zone_id: pulumi.Output[str]

    def __init__(self, name: str, args: PrivateZoneArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:network:PrivateZone", name, None, opts)
        self.domain = args.domain
        self.zone = aws.route53.Zone(
            f"{name}-zone",
            name=args.domain,
            comment="genai-platform in-VPC service names",
            vpcs=[{"vpc_id": args.vpc_id}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.zone_id = self.zone.zone_id
        self.register_outputs({"zoneId": self.zone_id, "domain": args.domain})

    def hostname(self, service: str) -> str:
        return f"{service}.{self.domain}"


@dataclass
class ServiceAliasArgs:
    zone_id: pulumi.Input[str]
    hostname: str
    target: pulumi.Input[str]
    """The DNS name the hostname resolves to (a load balancer's)."""
    ttl_seconds: int = 60


class ServiceAlias(pulumi.ComponentResource):
    """A CNAME from a fixed in-VPC service name to the address a later stage created."""

    def __init__(self, name: str, args: ServiceAliasArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:network:ServiceAlias", name, None, opts)
        record = aws.route53.Record(
            f"{name}-cname",
            zone_id=args.zone_id,
            name=args.hostname,
            type="CNAME",
            ttl=args.ttl_seconds,
            records=[args.target],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"fqdn": record.fqdn})
