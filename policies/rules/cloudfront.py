"""CloudFront: HTTPS to viewers and origins, minimum TLS, WAF, logging, origin access control."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Policy

from ._common import HIGH, LOW, MEDIUM, Meta, Res, as_list, dig, insecure, resource_rule, secure, truthy

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
WEAK_ORIGIN_PROTOCOLS = {"SSLv3", "TLSv1", "TLSv1.1"}
STRONG_VIEWER = ("TLSv1.2_", "TLSv1.3_")


def _behaviors(res: Res) -> list[Any]:
    return [res.props.get("defaultCacheBehavior"), *as_list(res.props.get("orderedCacheBehaviors"))]


def _s3_origin(origin: Any) -> bool:
    return dig(origin, "s3OriginConfig") is not None or ".s3." in str(dig(origin, "domainName") or "")


def _viewer_https(res: Res) -> Iterator[str]:
    for b in _behaviors(res):
        if dig(b, "viewerProtocolPolicy") == "allow-all":
            yield f"Distribution '{res.name}' lets viewers use plain HTTP (path {dig(b, 'pathPattern') or 'default'})."


def _origin_https(res: Res) -> Iterator[str]:
    for origin in as_list(res.props.get("origins")):
        config = dig(origin, "customOriginConfig")
        if config is None:
            continue
        policy = dig(config, "originProtocolPolicy")
        if policy in ("http-only", "match-viewer"):
            yield f"Distribution '{res.name}' reaches origin {dig(origin, 'originId')} over {policy}."
        weak = sorted(WEAK_ORIGIN_PROTOCOLS & {str(p) for p in as_list(dig(config, "originSslProtocols"))})
        if weak:
            yield f"Distribution '{res.name}' allows {', '.join(weak)} to origin {dig(origin, 'originId')}."


def _min_tls(res: Res) -> Iterator[str]:
    cert = res.props.get("viewerCertificate")
    if truthy(dig(cert, "cloudfrontDefaultCertificate")) or not (
        dig(cert, "acmCertificateArn") or dig(cert, "iamCertificateId")
    ):
        yield f"Distribution '{res.name}' uses the default CloudFront certificate, which accepts TLS 1.0."
    elif not str(dig(cert, "minimumProtocolVersion") or "").startswith(STRONG_VIEWER):
        yield f"Distribution '{res.name}' accepts viewer TLS below 1.2 ({dig(cert, 'minimumProtocolVersion')})."


def _waf(res: Res) -> Iterator[str]:
    if not res.props.get("webAclId"):
        yield f"Distribution '{res.name}' has no WAF web ACL (webAclId)."


def _logging(res: Res) -> Iterator[str]:
    if not dig(res.props, "loggingConfig", "bucket"):
        yield f"Distribution '{res.name}' has no standard logging (loggingConfig.bucket)."


def _root_object(res: Res) -> Iterator[str]:
    if any(_s3_origin(o) for o in as_list(res.props.get("origins"))) and not res.props.get("defaultRootObject"):
        yield f"Distribution '{res.name}' serves an S3 origin without a defaultRootObject."


def _oac(res: Res) -> Iterator[str]:
    for origin in as_list(res.props.get("origins")):
        if _s3_origin(origin) and not dig(origin, "originAccessControlId"):
            yield f"Distribution '{res.name}' reaches S3 origin {dig(origin, 'originId')} without origin access control."


def _dist(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enabled": True,
        "defaultRootObject": "index.html",
        "webAclId": "arn:aws:wafv2:us-east-1:1:global/webacl/x/1",
        "loggingConfig": {"bucket": "logs.s3.amazonaws.com"},
        "origins": [{"originId": "s3", "domainName": "b.s3.eu-west-1.amazonaws.com", "originAccessControlId": "oac-1"}],
        "defaultCacheBehavior": {"targetOriginId": "s3", "viewerProtocolPolicy": "redirect-to-https"},
        "viewerCertificate": {
            "acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
            "minimumProtocolVersion": "TLSv1.2_2021",
            "sslSupportMethod": "sni-only",
        },
    }
    base.update(extra)
    return base


_CUSTOM = {
    "originId": "api",
    "domainName": "api.example.com",
    "customOriginConfig": {
        "originProtocolPolicy": "https-only",
        "originSslProtocols": ["TLSv1.2"],
        "httpPort": 80,
        "httpsPort": 443,
    },
}


def _rule(
    name: str, description: str, severity: Any, remediation: str, check: Any, bad: Mapping[str, Any], *more: Any
) -> Policy:
    examples = (secure(_dist()), insecure(_dist(**bad)), *more)
    return resource_rule(Meta(name, description, severity, (), remediation, examples=examples), [DISTRIBUTION], check)


def policies() -> list[Policy]:
    return [
        _rule(
            "aws-cloudfront-viewer-https",
            "CloudFront distributions require HTTPS from viewers.",
            HIGH,
            "Set viewer_protocol_policy='redirect-to-https' (or 'https-only') on every cache behavior.",
            _viewer_https,
            {"defaultCacheBehavior": {"targetOriginId": "s3", "viewerProtocolPolicy": "allow-all"}},
        ),
        _rule(
            "aws-cloudfront-origin-https",
            "CloudFront reaches custom origins over TLS 1.2.",
            HIGH,
            "Set origin_protocol_policy='https-only' and origin_ssl_protocols=['TLSv1.2'].",
            _origin_https,
            {
                "origins": [
                    {
                        **_CUSTOM,
                        "customOriginConfig": {**_CUSTOM["customOriginConfig"], "originProtocolPolicy": "http-only"},
                    }
                ]
            },
            secure(_dist(origins=[_CUSTOM]), "https-only custom origin"),
            insecure(
                _dist(
                    origins=[
                        {
                            **_CUSTOM,
                            "customOriginConfig": {
                                **_CUSTOM["customOriginConfig"],
                                "originSslProtocols": ["SSLv3", "TLSv1.2"],
                            },
                        }
                    ]
                )
            ),
        ),
        _rule(
            "aws-cloudfront-min-tls",
            "CloudFront distributions use their own certificate with TLS 1.2+ for viewers.",
            MEDIUM,
            "Use an ACM certificate (us-east-1) with minimum_protocol_version='TLSv1.2_2021'.",
            _min_tls,
            {"viewerCertificate": {"cloudfrontDefaultCertificate": True}},
        ),
        _rule(
            "aws-cloudfront-waf",
            "CloudFront distributions are protected by a WAF web ACL.",
            MEDIUM,
            "Create a CLOUDFRONT-scope aws.wafv2.WebAcl in us-east-1 and set web_acl_id to its ARN.",
            _waf,
            {"webAclId": None},
        ),
        _rule(
            "aws-cloudfront-logging",
            "CloudFront distributions write access logs.",
            LOW,
            "Set logging_config={bucket: '<log bucket>.s3.amazonaws.com'}.",
            _logging,
            {"loggingConfig": None},
        ),
        _rule(
            "aws-cloudfront-default-root-object",
            "CloudFront distributions with an S3 origin set a default root object.",
            LOW,
            "Set default_root_object='index.html' so '/' does not list or error on the bucket.",
            _root_object,
            {"defaultRootObject": None},
        ),
        _rule(
            "aws-cloudfront-s3-origin-access-control",
            "CloudFront reaches S3 origins through origin access control.",
            MEDIUM,
            "Create an aws.cloudfront.OriginAccessControl (signing 'always', sigv4) and set origin_access_control_id; "
            "keep the bucket private.",
            _oac,
            {"origins": [{"originId": "s3", "domainName": "b.s3.eu-west-1.amazonaws.com"}]},
        ),
    ]
