"""The sign-in email over SMTP: what the server did with each is counted for the operator, who is alerted when the
server refuses them (nobody can sign in then)."""

import email
import email.policy
import email.utils

from devinfra.smtp_sink import SmtpSink
from plumbing.testing import free_port
from prometheus_client import CollectorRegistry
from web.adapters.mailer import SmtpMailer


def counted(registry: CollectorRegistry, outcome: str) -> float | None:
    return registry.get_sample_value("sign_in_emails_total", {"outcome": outcome})


async def test_a_sign_in_email_the_server_takes_and_one_it_refuses_are_each_counted():
    registry, elsewhere = CollectorRegistry(), CollectorRegistry()
    sink = SmtpSink().start()
    try:
        taken = SmtpMailer("127.0.0.1", sink.smtp_port, "Mentorship <no-reply@example.org>", 10, registry)
        # Both are shown from 0 before anything is sent: Prometheus sees the first refusal as a rise.
        assert (counted(registry, "sent"), counted(registry, "refused")) == (0, 0)
        assert await taken.send("ana@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
        await sink.wait_for(lambda m: m["subject"] == "Your sign-in link")
    finally:
        sink.stop()
    nowhere = SmtpMailer("127.0.0.1", free_port(), "Mentorship <no-reply@example.org>", 10, elsewhere)
    assert not await nowhere.send("ana@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
    assert (counted(registry, "sent"), counted(registry, "refused")) == (1, 0)
    assert (counted(elsewhere, "sent"), counted(elsewhere, "refused")) == (0, 1)


async def test_a_sign_in_email_goes_to_the_one_address_it_is_given_whatever_that_text_holds():
    sink = SmtpSink().start()
    try:
        mailer = SmtpMailer("127.0.0.1", sink.smtp_port, "Mentorship <no-reply@example.org>", 10, CollectorRegistry())
        # One envelope recipient, from the text given: not one for each address the header holds.
        await mailer.send("ana@example.org, eve@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
        assert await mailer.send("ana@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
        await sink.wait_for(lambda m: m["id"] > 1)
        assert all(m["rcpt_tos"] == ["ana@example.org"] for m in sink.messages())
    finally:
        sink.stop()


async def test_a_sign_in_email_carries_the_date_an_id_of_its_own_and_its_language_as_mail_providers_require():
    sink = SmtpSink().start()
    try:
        mailer = SmtpMailer("127.0.0.1", sink.smtp_port, "Mentorship <no-reply@mentorship.example.org>", 10,
                            CollectorRegistry())
        for _ in range(2):
            assert await mailer.send("ana@example.org", "Tu enlace para entrar", "texto", "<p>html</p>",
                                     language="es")
        await sink.wait_for(lambda m: m["id"] > 1)
        first, second = (email.message_from_string(m["raw"], policy=email.policy.default) for m in sink.messages())
    finally:
        sink.stop()
    assert email.utils.parsedate_to_datetime(first["Date"]).tzinfo is not None
    assert first["Message-ID"].endswith("@mentorship.example.org>") and first["Message-ID"] != second["Message-ID"]
    assert first["Content-Language"] == "es" and first["Auto-Submitted"] == "auto-generated"


async def test_a_sender_given_without_a_name_is_named_after_the_platform_in_the_messages_language_and_one_named_is_not():
    # Every email came from "Mentorship Platform", to readers in Spanish of "Mentoría en medicina".
    names = {"en": "Mentorship in medicine", "es": "Mentoría en medicina"}
    sink = SmtpSink().start()
    try:
        bare = SmtpMailer("127.0.0.1", sink.smtp_port, "no-reply@example.org", 10, CollectorRegistry(),
                          named=names.__getitem__)
        chosen = SmtpMailer("127.0.0.1", sink.smtp_port, "Chapter team <team@example.org>", 10, CollectorRegistry(),
                            named=names.__getitem__)
        assert await bare.send("ana@example.org", "Tu enlace para entrar", "texto", "<p>html</p>", language="es")
        assert await chosen.send("ana@example.org", "Tu enlace para entrar", "texto", "<p>html</p>", language="es")
        await sink.wait_for(lambda m: m["id"] > 1)
        senders = [email.message_from_string(m["raw"], policy=email.policy.default)["From"] for m in sink.messages()]
    finally:
        sink.stop()
    assert senders == ["Mentoría en medicina <no-reply@example.org>", "Chapter team <team@example.org>"]
