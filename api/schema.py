"""Issue 14: the OpenAPI schema's conventions — the personal token as a bearer scheme, and the problem
details every operation may answer with (so a client, and schemathesis, can check every response)."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable name of the problem (not translated)."},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
ERRORS = {
    "400": "The request is not valid: the fields are named in errors",
    "401": "No token, or an unknown or revoked one",
    "403": "In scope, but not permitted",
    "404": "Not found, or outside your scope",
    "409": "Refused by a rule of the campaign",
    "413": "A file is too large",
    "415": "A file is not of an accepted type",
    "429": "Too many requests for this token",
}
#: the statuses every operation may give; 400, 409, 413, 415 only where a body is read
ALWAYS = ("401", "403", "404", "429")


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "ddt_…",
                "description": "A personal API token, made on the “API tokens” page of your account."}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: a ``Problem`` component, and the error statuses on every
    operation (400 on those with parameters or a body; 413/415 where files are uploaded)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses = list(ALWAYS)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.append("400")
            if method != "get":
                statuses.append("409")
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                statuses += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in statuses:
                responses.setdefault(code, {"description": ERRORS[code], "content": ref})
    return result
