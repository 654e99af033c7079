"""Structured logs: one JSON object per line, each carrying the id of the request that caused it.

The id comes from the proxy's ``X-Request-ID`` when it sends one (so nginx and Django logs join),
otherwise it is made here; the response echoes it so a user can quote it when reporting a problem.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Bind a request id for the duration of the request and return it in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs the response (4xx/5xx) after the middleware chain
        # returns, and that line must carry the id too; the next request sets its own.
        request_id.set(rid)
        request.request_id = rid
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """A JSON line per record: time, level, logger, request id, message (and the exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class OneLineFor4xxFilter(logging.Filter):
    """A refused request (403 and the other 4xx, logged by ``django.request`` and ``django.security``
    with the exception attached) is routine: one line, without the traceback that would read like a
    crash. A 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        routine = status < 500 if status is not None else record.levelno < logging.ERROR
        if record.exc_info and routine:
            record.exc_info = None
            record.exc_text = None
        return True
