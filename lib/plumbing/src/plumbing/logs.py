"""Structured (JSON) logs on stdout.

Log ids, never names, emails or identity attributes: records carry only what is passed in `extra`,
and the formatter drops any key that looks like personal data, as a second line of defence. A logged error's
traceback keeps its exception types and stack frames but never their messages, which may quote a value
(`plumbing.safe_errors`). A line written while an action is served (a request, an event applied) carries its
correlation id, which the other services' lines share.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from . import correlation, safe_errors

_SENSITIVE = ("email", "name", "phone", "pronoun", "bio", "identity", "token", "password", "secret")
# uvicorn's `color_message` is its message again with terminal colour codes.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName",
                                                                              "color_message"}
# What aiokafka logs as an error while a consumer group forms or moves to another broker, and retries by itself.
_GROUP_FORMING = ("GroupCoordinatorNotAvailableError", "NotCoordinatorForGroupError", "CoordinatorLoadInProgressError")


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self._service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        # Formatted as it is logged, in the task that logs it: the action it serves is still current.
        if (correlation_id := correlation.current()) is not None:
            entry["correlation_id"] = correlation_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not any(s in key.lower() for s in _SENSITIVE):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None), list)) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry)

    def formatException(self, ei) -> str:  # noqa: N802 - logging.Formatter's name
        """The traceback's frames and exception types, never the messages (which may quote personal data)."""
        return safe_errors.traceback_text(ei[1]) if ei and ei[1] is not None else ""


class GroupFormingIsNotAnError(logging.Filter):
    """aiokafka's complaints while a consumer group forms (at every start, for a few seconds) are warnings: an operator
    grepping errors meets what needs them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("aiokafka") and record.levelno == logging.ERROR \
                and any(code in record.getMessage() for code in _GROUP_FORMING):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def configure(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(GroupFormingIsNotAnError())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # a library's warning as a JSON line, not plain text on stderr
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    # httpx says every call it makes at INFO, as free text holding its URL (people's ids in a query): our own lines
    # say what a call was for, under the request's correlation id.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # FastStream's own logger writes plain coloured text on a handler of its own, bypassing this one.
    framework = logging.getLogger("faststream")
    framework.handlers[:] = []
    framework.propagate = True


class RedactCredentialsInPaths(logging.Filter):
    """Defence in depth for uvicorn's access log (off in `plumbing.serve`, on in some deployments and in tests), whose
    lines hold each request's path and query: a credential they carry, a `token` parameter or the segment after one of
    `prefixes` (a sign-in link's, a calendar feed's), becomes `[redacted]`."""

    def __init__(self, prefixes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.prefixes = prefixes
        self._credential = re.compile("(" + "|".join([r"[?&]token=", *map(re.escape, prefixes)]) + r")[^/?&#\s\"]+")

    def _redacted(self, text: str) -> str:
        return self._credential.sub(r"\1[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._redacted(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = self._redacted(record.msg)
        return True


def redact_access_log(prefixes: tuple[str, ...] = ()) -> None:
    """Redact uvicorn's access log (`RedactCredentialsInPaths`), once for each set of prefixes: services served in one
    process, as in tests, share its logger."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactCredentialsInPaths) and f.prefixes == prefixes for f in access.filters):
        access.addFilter(RedactCredentialsInPaths(prefixes))
