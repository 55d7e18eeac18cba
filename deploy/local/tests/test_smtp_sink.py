"""The SMTP sink keeps every message it receives, parsed, and shows them in process and over HTTP."""

import smtplib
from email.message import EmailMessage

import httpx
import pytest
from devinfra.smtp_sink import SmtpSinkClient


def send(sink, to: str, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "noreply@mentorship.test"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Your match is ready.")
    message.add_alternative("<p>Your match is <b>ready</b>.</p>", subtype="html")
    message.add_attachment(b"BEGIN:VCALENDAR", maintype="text", subtype="calendar", filename="session.ics")
    with smtplib.SMTP(sink.host, sink.smtp_port) as smtp:
        smtp.send_message(message)


async def test_an_email_sent_with_smtplib_is_captured_with_its_parts(smtp_sink):
    send(smtp_sink, "mentee@mentorship.test", "Matched")

    message = await smtp_sink.wait_for(lambda m: m["subject"] == "Matched", timeout=5)

    assert message["mail_from"] == "noreply@mentorship.test"
    assert message["rcpt_tos"] == ["mentee@mentorship.test"]
    assert message["headers"]["To"] == "mentee@mentorship.test"
    assert message["text"] == "Your match is ready.\n"
    assert message["html"] == "<p>Your match is <b>ready</b>.</p>\n"
    assert message["attachments"] == [{"filename": "session.ics", "content_type": "text/calendar"}]


def test_the_http_api_lists_messages_by_recipient_and_deletes_them(smtp_sink):
    send(smtp_sink, "first@mentorship.test", "One")
    send(smtp_sink, "second@mentorship.test", "Two")

    only_second = httpx.get(f"{smtp_sink.http_url}/messages", params={"to": "SECOND@mentorship.test"}).json()
    assert [m["subject"] for m in only_second] == ["Two"]

    assert httpx.delete(f"{smtp_sink.http_url}/messages").json()["deleted"] >= 2
    assert httpx.get(f"{smtp_sink.http_url}/messages").json() == []
    assert smtp_sink.messages() == []


async def test_the_client_of_another_process_waits_for_a_message(smtp_sink):
    client = SmtpSinkClient(smtp_sink.http_url)
    send(smtp_sink, "client@mentorship.test", "Over HTTP")

    message = await client.wait_for(lambda m: "client@mentorship.test" in m["rcpt_tos"], timeout=5)

    assert message["subject"] == "Over HTTP"
    assert client.messages(to="client@mentorship.test") == [message]


async def test_waiting_for_a_message_that_never_comes_times_out(smtp_sink):
    with pytest.raises(TimeoutError):
        await smtp_sink.wait_for(lambda m: m["subject"] == "never sent", timeout=0.3)


def test_the_mailbox_page_lists_messages_newest_first_with_their_links_clickable_and_escaped(smtp_sink):
    message = EmailMessage()
    message["From"] = "noreply@mentorship.test"
    message["To"] = "page@mentorship.test"
    message["Subject"] = "Your <sign-in> link"
    message.set_content("Sign in: http://127.0.0.1:8105/sign-in/abc_DEF-123\n<script>alert(1)</script>")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.smtp_port) as smtp:
        smtp.send_message(message)
    send(smtp_sink, "page@mentorship.test", "Later")

    page = httpx.get(f"{smtp_sink.http_url}/", params={"to": "page@mentorship.test"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<a href="http://127.0.0.1:8105/sign-in/abc_DEF-123">' in page.text
    assert "<script>" not in page.text and "Your &lt;sign-in&gt; link" in page.text
    assert page.text.index("Later") < page.text.index("Your &lt;sign-in&gt; link")
