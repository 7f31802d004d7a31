"""Load balancers: HTTPS listeners, TLS policies, invalid headers, access logs, WAF."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    HIGH,
    LOW,
    MEDIUM,
    Meta,
    Res,
    Stack,
    as_list,
    dig,
    insecure,
    resource_rule,
    secure,
    stack_rule,
    truthy,
)

LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"]
LBS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]
CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
# ELB security policies that allow only TLS 1.2+ (FSBP ELB.17 / ELB.8 recommend these families).
STRONG_POLICY_MARKS = ("TLS13", "TLS-1-2", "FS-1-2")


def _redirects_to_https(listener: Res) -> bool:
    return any(
        dig(a, "type") == "redirect" and str(dig(a, "redirect", "protocol") or "").upper() == "HTTPS"
        for a in as_list(listener.props.get("defaultActions"))
    )


def _https(res: Res) -> Iterator[str]:
    if res.type == CLASSIC:
        for listener in as_list(res.props.get("listeners")):
            if str(dig(listener, "lbProtocol") or "").upper() in ("HTTP", "TCP"):
                yield f"Classic load balancer '{res.name}' has a {dig(listener, 'lbProtocol')} listener on port {dig(listener, 'lbPort')}."
        return
    protocol = res.props.get("protocol")
    # Without a protocol an application load balancer's listener is HTTP (the provider's default).
    plain = (protocol is None and not res.props.get("certificateArn")) or str(protocol or "").upper() == "HTTP"
    if plain and not _redirects_to_https(res):
        default = " (no protocol set: the default is HTTP)" if protocol is None else ""
        yield f"Listener '{res.name}' serves plain HTTP{default} without redirecting to HTTPS."


def _tls_policy(res: Res) -> Iterator[str]:
    if str(res.props.get("protocol") or "").upper() not in ("HTTPS", "TLS"):
        return
    policy = str(res.props.get("sslPolicy") or "ELBSecurityPolicy-2016-08")
    if not any(mark in policy for mark in STRONG_POLICY_MARKS):
        yield f"Listener '{res.name}' uses TLS policy {policy}, which still allows TLS 1.0/1.1."


def _application(res: Res) -> bool:
    return str(res.props.get("loadBalancerType") or "application") == "application"


def _drop_invalid_headers(res: Res) -> Iterator[str]:
    if _application(res) and not truthy(res.props.get("dropInvalidHeaderFields")):
        yield f"Application load balancer '{res.name}' does not drop invalid header fields."


def _access_logs(res: Res) -> Iterator[str]:
    if not truthy(dig(res.props, "accessLogs", "enabled")) or not dig(res.props, "accessLogs", "bucket"):
        yield f"Load balancer '{res.name}' does not write access logs."


def _waf(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for lb in stack.of_type(*LBS):
        if truthy(lb.props.get("internal")) or str(lb.props.get("loadBalancerType") or "application") != "application":
            continue
        if not stack.referencing(lb, WAF_ASSOCIATION, "resourceArn"):
            yield lb.urn, f"Internet-facing application load balancer '{lb.name}' has no WAF web ACL."


_ALB = {"loadBalancerType": "application", "internal": False}


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-lb-listener-https",
                "Load balancer listeners use HTTPS/TLS or redirect HTTP to HTTPS.",
                HIGH,
                (),
                "Serve HTTPS (protocol='HTTPS' with a certificate) and make the HTTP listener's default "
                "action a redirect to HTTPS (status HTTP_301).",
                examples=(
                    secure({"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
                    secure(
                        {
                            "protocol": "HTTP",
                            "port": 80,
                            "defaultActions": [
                                {
                                    "type": "redirect",
                                    "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
                                }
                            ],
                        }
                    ),
                    insecure(
                        {
                            "protocol": "HTTP",
                            "port": 80,
                            "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}],
                        }
                    ),
                    insecure(
                        {"port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}]},
                        "no protocol: HTTP by default",
                    ),
                    insecure(
                        {
                            "listeners": [
                                {"lbProtocol": "http", "lbPort": 80, "instanceProtocol": "http", "instancePort": 80}
                            ]
                        },
                        type=CLASSIC,
                    ),
                ),
            ),
            [*LISTENERS, CLASSIC],
            _https,
        ),
        resource_rule(
            Meta(
                "aws-lb-listener-tls-policy",
                "HTTPS/TLS listeners use a TLS 1.2+ security policy.",
                MEDIUM,
                (),
                "Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (or another TLS 1.2+ policy).",
                examples=(
                    secure({"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
                    secure({"protocol": "HTTP", "port": 80}, "not TLS"),
                    insecure({"protocol": "HTTPS", "port": 443}, "the default 2016-08 policy"),
                    insecure({"protocol": "TLS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS-1-1-2017-01"}),
                ),
            ),
            LISTENERS,
            _tls_policy,
        ),
        resource_rule(
            Meta(
                "aws-lb-drop-invalid-headers",
                "Application load balancers drop invalid HTTP header fields.",
                MEDIUM,
                (),
                "Set drop_invalid_header_fields=True on the load balancer.",
                examples=(
                    secure({**_ALB, "dropInvalidHeaderFields": True}),
                    secure({"loadBalancerType": "network"}, "network load balancer"),
                    insecure(_ALB),
                ),
            ),
            LBS,
            _drop_invalid_headers,
        ),
        resource_rule(
            Meta(
                "aws-lb-access-logs",
                "Load balancers write access logs.",
                LOW,
                (),
                "Set access_logs={enabled: True, bucket: <log bucket>}.",
                examples=(
                    secure({**_ALB, "accessLogs": {"enabled": True, "bucket": "my-logs"}}),
                    insecure(_ALB),
                ),
            ),
            [*LBS, CLASSIC],
            _access_logs,
        ),
        stack_rule(
            Meta(
                "aws-lb-waf",
                "Internet-facing application load balancers are protected by a WAF web ACL.",
                MEDIUM,
                (),
                "Add an aws.wafv2.WebAclAssociation with resource_arn=<load balancer arn>.",
            ),
            _waf,
        ),
    ]
