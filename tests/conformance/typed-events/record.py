"""Records what Powertools 3.37's event data classes read from each shared event, for
`tests/all/typed_events.rs`: the request context typed per source (REST, HTTP API, Function
URL, ALB, VPC Lattice v2), authorizers included, on the shared events and on this
directory's `events/` (a REST API behind a Cognito user pool and one behind a Lambda
authorizer, which the shared events lack), beside the accessors every source answers
(request id, source IP, user agent, authorizer claims), which Powertools has no one class
for and this script computes from the event as `Request`'s docs define them.

A missing field reads as null, and Powertools' "" and {} for an absent authorizer key as
null and {} (the SDK's `Option` and empty map). Run with the bench venv's Python:

    target/venv-bench/bin/python tests/conformance/typed-events/record.py tests/conformance/typed-events/cases.json \
        ../shared/conformance/events tests/conformance/typed-events/events
"""

import json
import os
import sys

from aws_lambda_powertools.utilities.data_classes.common import APIGatewayEventIdentity, RequestContextV2Http
from aws_lambda_powertools.utilities.data_classes.vpc_lattice import vpcLatticeEventV2Identity
from aws_lambda_powertools.utilities.data_classes import (
    ALBEvent,
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    LambdaFunctionUrlEvent,
    VPCLatticeEventV2,
)


def read(getter):
    """A data class property, None where Powertools raises for a missing key or gives ""."""
    try:
        value = getter()
    except (KeyError, TypeError):
        return None
    return None if value == "" else value


def source_of(event):
    """The event's source, by the fields the host's `detect` reads."""
    if "elb" in (event.get("requestContext") or {}):
        return "alb"
    if event.get("version") == "2.0" and "rawPath" in event:
        http = (event.get("requestContext") or {}).get("http")
        domain = (event.get("requestContext") or {}).get("domainName", "")
        return "function_url" if http and ".lambda-url." in domain else "http_api"
    if "raw_path" in event:
        return "lattice_v1"
    if event.get("version") == "2.0":
        return "lattice_v2"
    return "rest"


def header(event, name):
    """The last value of a header, case-insensitively, from `multiValueHeaders` or `headers`."""
    found = None
    for field in ("headers", "multiValueHeaders"):
        for key, value in (event.get(field) or {}).items():
            if key.lower() == name:
                found = value[-1] if isinstance(value, list) else value
    return found


def rest(event):
    ctx = APIGatewayProxyEvent(event).request_context
    identity = read(lambda: ctx.identity) or APIGatewayEventIdentity({})
    authorizer = ctx.authorizer
    return {
        **{k: read(lambda k=k: getattr(ctx, k)) for k in (
            "account_id", "api_id", "domain_name", "domain_prefix", "extended_request_id",
            "http_method", "path", "protocol", "request_id", "request_time",
            "request_time_epoch", "resource_id", "resource_path", "stage", "operation_name")},
        "identity": {k: read(lambda k=k: getattr(identity, k)) for k in (
            "access_key", "account_id", "api_key", "api_key_id", "caller",
            "cognito_authentication_provider", "cognito_authentication_type",
            "cognito_identity_id", "cognito_identity_pool_id", "principal_org_id",
            "source_ip", "user", "user_agent", "user_arn")},
        "authorizer": {
            "claims": authorizer.claims,
            "scopes": authorizer.scopes,
            "principal_id": read(lambda: authorizer.principal_id),
            "integration_latency": read(lambda: authorizer.integration_latency),
            "tenant": authorizer.get("tenant"),
        },
    }


def http_api(ctx):
    authorizer = ctx.authorizer
    http = read(lambda: ctx.http) or RequestContextV2Http({})
    iam = authorizer.get("iam")
    return {
        **{k: read(lambda k=k: getattr(ctx, k)) for k in (
            "account_id", "api_id", "domain_name", "domain_prefix", "request_id", "route_key",
            "stage", "time", "time_epoch")},
        "http": {k: read(lambda k=k: getattr(http, k)) for k in (
            "method", "path", "protocol", "source_ip", "user_agent")},
        "authorizer": {
            "jwt_claims": authorizer.jwt_claim,
            "jwt_scopes": authorizer.jwt_scopes,
            "lambda": authorizer.get_lambda,
            "iam": None if iam is None else {
                **{k: read(lambda k=k: getattr(authorizer.iam, k)) for k in (
                    "access_key", "account_id", "caller_id", "principal_org_id", "user_arn",
                    "user_id", "cognito_identity_id", "cognito_identity_pool_id")},
                "cognito_amr": authorizer.iam.cognito_amr,
            },
        },
    }


def lattice_v2(event):
    ctx = VPCLatticeEventV2(event).request_context
    identity = read(lambda: ctx.identity) or vpcLatticeEventV2Identity({})
    return {
        **{k: read(lambda k=k: getattr(ctx, k)) for k in (
            "service_network_arn", "service_arn", "target_group_arn", "region", "time_epoch")},
        "identity": {
            **{k: read(lambda k=k: getattr(identity, k)) for k in (
                "source_vpc_arn", "principal", "principal_org_id", "session_name",
                "x509_subject_cn", "x509_issuer_ou", "x509_san_dns", "x509_san_uri",
                "x509_san_name_cn")},
            "type": read(lambda: identity.get_type),
        },
    }


def context_of(source, event):
    if source == "rest":
        return rest(event)
    if source == "http_api":
        return http_api(APIGatewayProxyEventV2(event).request_context)
    if source == "function_url":
        return http_api(LambdaFunctionUrlEvent(event).request_context)
    if source == "alb":
        return {"target_group_arn": read(lambda: ALBEvent(event).request_context.elb_target_group_arn)}
    if source == "lattice_v2":
        return lattice_v2(event)
    return None


def common(source, event):
    ctx = event.get("requestContext") or {}
    if source in ("rest", "http_api", "function_url"):
        request_id = ctx.get("requestId")
    else:
        request_id = header(event, "x-amzn-trace-id")
    place = {"rest": ctx.get("identity") or {}, "http_api": ctx.get("http") or {},
             "function_url": ctx.get("http") or {}}.get(source, {})
    forwarded = header(event, "x-forwarded-for")
    source_ip = place.get("sourceIp") or (forwarded.split(",")[0].strip() or None if forwarded else None)
    user_agent = place.get("userAgent") or header(event, "user-agent")
    claims = {}
    if source == "rest":
        claims = (ctx.get("authorizer") or {}).get("claims") or {}
    elif source == "http_api":
        claims = ((ctx.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    return {"request_id": request_id, "source_ip": source_ip, "user_agent": user_agent, "claims": claims}


def main(out, *events_dirs):
    cases = []
    names = sorted((name, d) for d in events_dirs for name in os.listdir(d))
    for name, events_dir in names:
        with open(os.path.join(events_dir, name)) as f:
            event = json.load(f)
        source = source_of(event)
        cases.append({
            "event": name,
            "source": source,
            "expected": {**common(source, event), "context": context_of(source, event)},
        })
    with open(out, "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
