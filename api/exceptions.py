"""Issue 14: every error of the API is an RFC 9457 problem detail (``application/problem+json``) in the
user's language — a service's domain error as much as a bad token, a missing object or a bad field."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from web.errors import DomainError

PROBLEM_TYPE = "application/problem+json"

#: the title of each status: short, translated, the same for every problem of that status
TITLES = {
    400: gettext_noop("The request is not valid"),
    401: gettext_noop("Not signed in"),
    403: gettext_noop("Not permitted"),
    404: gettext_noop("Not found"),
    405: gettext_noop("Method not allowed"),
    406: gettext_noop("Not acceptable"),
    409: gettext_noop("Refused by a rule of the campaign"),
    413: gettext_noop("Too large"),
    415: gettext_noop("Unsupported file type"),
    429: gettext_noop("Too many requests"),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class UnsupportedFile(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_file"


def problem_body(status_code: int, detail: str, *, code: str = "", errors: dict | None = None) -> dict:
    """The RFC 9457 document of a problem (the handler's and the body-limit middleware's alike)."""
    body = {
        "type": "about:blank",  # RFC 9457 §4.2.1: no further semantics than the status; the title is its text
        "title": _(TITLES.get(status_code, "Error")),
        "status": status_code,
        "detail": detail,
        "code": code or "error",  # an extension member: a stable, untranslated name a client can branch on
    }
    if errors:
        body["errors"] = errors
    return body


def problem(status_code: int, detail: str, *, code: str = "", errors: dict | None = None, headers=None) -> Response:
    return Response(problem_body(status_code, detail, code=code, errors=errors), status=status_code, headers=headers,
                    content_type=PROBLEM_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested validation detail as ``{"field": [messages]}`` (``"field.sub"`` for nested fields)."""
    out: dict[str, list[str]] = {}

    def walk(value, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out.setdefault(key or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for i, v in enumerate(value):
                    walk(v, f"{key}.{i}" if key else str(i))
        else:
            out.setdefault(key or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return out


def problem_handler(exc, context) -> Response | None:
    """The API's ``EXCEPTION_HANDLER``: domain errors are 409 (the request was understood and refused by a
    rule), validation errors 400 with each field named, the rest as DRF classifies them."""
    if isinstance(exc, DomainError):
        return problem(status.HTTP_409_CONFLICT, str(exc), code="domain")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        named = ", ".join(k for k in errors if k != "non_field_errors")
        detail = (_("Check these fields: %(fields)s.") % {"fields": named}) if named else \
            " ".join(errors.get("non_field_errors", [])) or _("The request is not valid.")
        return problem(400, detail, code="invalid", errors=errors, headers=headers)
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        detail = " ".join(sum(_flatten(detail).values(), []))
    codes = exc.get_codes()
    return problem(response.status_code, str(detail), code=codes if isinstance(codes, str) else exc.default_code,
                   headers=headers)
