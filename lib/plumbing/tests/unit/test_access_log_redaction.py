"""uvicorn's access log, where a deployment turns it on (`plumbing.serve` does not), has each request's path and query:
a credential they carry (a `token` parameter, or the segment after a path the service names) is redacted."""

from __future__ import annotations

import logging

from plumbing.logs import RedactCredentialsInPaths, redact_access_log


def access_line(path: str) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("10.0.0.1:5000", "GET", path, "1.1", 200), None)


def test_a_token_parameter_and_a_credential_segment_are_redacted_and_the_rest_of_the_path_kept():
    redacting = RedactCredentialsInPaths(("/sign-in/", "/calendar/"))
    lines = {}
    for path in ("/sign-in/AbC-12_x", "/calendar/AbC-12_x.ics", "/unsubscribe?token=AbC.12-x&lang=es",
                 "/account/email/confirm?lang=es&token=AbC.12-x", "/events/42/calendar.ics?token=AbC.12-x#top"):
        record = access_line(path)
        assert redacting.filter(record) is True
        lines[path] = record.getMessage()
    assert [line for line in lines.values() if "AbC" in line] == []
    assert [line.split('"')[1] for line in lines.values()] == [
        "GET /sign-in/[redacted] HTTP/1.1", "GET /calendar/[redacted] HTTP/1.1",
        "GET /unsubscribe?token=[redacted]&lang=es HTTP/1.1", "GET /account/email/confirm?lang=es&token=[redacted] HTTP/1.1",
        "GET /events/42/calendar.ics?token=[redacted]#top HTTP/1.1"]


def test_a_path_the_service_did_not_name_is_left_as_it_is():
    record = access_line("/events/42/calendar.ics")
    RedactCredentialsInPaths(("/calendar/",)).filter(record)
    assert '"GET /events/42/calendar.ics HTTP/1.1"' in record.getMessage()


def test_each_services_filter_is_added_once_however_often_an_app_is_built():
    access = logging.getLogger("uvicorn.access")
    before = list(access.filters)
    try:
        for _ in range(3):
            redact_access_log(("/v1/calendar/feeds/",))
            redact_access_log(("/sign-in/", "/calendar/"))
        added = [f for f in access.filters if f not in before]
        assert [f.prefixes for f in added] == [("/v1/calendar/feeds/",), ("/sign-in/", "/calendar/")]
    finally:
        access.filters[:] = before
