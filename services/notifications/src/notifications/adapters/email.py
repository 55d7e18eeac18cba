"""Rendering with Jinja2 templates (a plain-text and an HTML one per kind) and sending over SMTP with aiosmtplib."""

from __future__ import annotations

import asyncio
import contextlib
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlencode

import aiosmtplib
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from plumbing.calendar import CalendarEntry, event_uid, to_ics

from ..domain.model import KINDS, SEAT_KINDS, Attachment, DeliveryUncertain, Email, Notification, message_id
from .unsubscribe import UnsubscribeTokens

_templates = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _invitation(listing: dict[str, Any], join_url: str | None) -> bytes:
    """The event's entry for the registrant's calendar, with the UID the events service's feed gives it, so an
    updated entry replaces this one. PUBLISH: an entry, not a meeting request they would have to answer."""
    entry = CalendarEntry(
        uid=event_uid(listing["scheduled_event_id"]), starts_at=listing["starts_at"], ends_at=listing["ends_at"],
        summary=listing["title"], timezone=listing["timezone"], location=join_url or listing["location"],
        url=join_url,
    )
    return to_ics([entry], method="PUBLISH")


class Renderer:
    """Turns a notification and what it needs to say into an email: subject, both bodies, unsubscribe link, .ics."""

    def __init__(self, public_base_url: str, tokens: UnsubscribeTokens) -> None:
        self._base_url = public_base_url.rstrip("/")
        self._tokens = tokens

    def __call__(self, notification: Notification, context: dict[str, Any]) -> Email:
        category = KINDS[notification.kind].category
        unsubscribe_url = None
        if category.can_opt_out:
            token = self._tokens.issue(notification.person_id, category)
            unsubscribe_url = f"{self._base_url}/v1/unsubscribe?{urlencode({'token': token})}"
        context = {**context, "category": category, "unsubscribe_url": unsubscribe_url,
                   "sender": context["program_name"] or context["chapter_name"] or "Mentorship Platform"}
        text_template = _templates.get_template(f"{notification.kind}.txt")
        subject = "".join(text_template.blocks["subject"](text_template.new_context(context))).strip()
        attachments: tuple[Attachment, ...] = ()
        if notification.kind in SEAT_KINDS:
            invitation = _invitation(context["event"], context["join_url"])
            attachments = (Attachment("event.ics", "text/calendar", invitation),)
        return Email(
            to=context["recipient"]["email"],
            subject=subject,
            text=text_template.render(context),
            html=_templates.get_template(f"{notification.kind}.html").render(context),
            message_id=message_id(notification.id),
            unsubscribe_url=unsubscribe_url,
            attachments=attachments,
        )


class SmtpMailer:
    """Sends over SMTP, keeping connections open between messages (up to `keep_open` idle ones), as a mail
    server expects of a steady sender: no handshake and goodbye per message."""

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0, keep_open: int = 20) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._keep_open = keep_open
        self._idle: list[aiosmtplib.SMTP] = []

    @staticmethod
    def message(sender: str, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        if email.unsubscribe_url:
            message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        for attachment in email.attachments:
            maintype, subtype = attachment.content_type.split("/")
            message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
        return message

    async def send(self, email: Email) -> None:
        """Raises DeliveryUncertain when the conversation broke off after the message itself was on its way."""
        client, reused = await self._connection()
        try:
            try:
                await client.mail(parseaddr(self._sender)[1])
            except aiosmtplib.SMTPServerDisconnected:
                if not reused:
                    raise
                # The server closed a connection that sat idle: nothing was handed over yet, so try a new one.
                client.close()
                client = await self._connect()
                await client.mail(parseaddr(self._sender)[1])
            await client.rcpt(email.to)
            content = self.message(self._sender, email).as_bytes(policy=policy.SMTP)
            try:
                await client.data(content)
            except aiosmtplib.SMTPResponseException:
                raise  # the server answered no: it did not take the message
            except Exception as error:
                raise DeliveryUncertain(type(error).__name__) from error
        except BaseException:
            # A refused recipient leaves a transaction open, a broken one leaves nothing: start afresh next time.
            client.close()
            raise
        await self._keep(client)

    async def close(self) -> None:
        while self._idle:
            await self._discard(self._idle.pop())

    async def _connection(self) -> tuple[aiosmtplib.SMTP, bool]:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client, True
        return await self._connect(), False

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=self._timeout,
                                 local_hostname="mentorship.example")
        await client.connect()
        return client

    async def _keep(self, client: aiosmtplib.SMTP) -> None:
        if len(self._idle) < self._keep_open:
            self._idle.append(client)
        else:
            await self._discard(client)

    @staticmethod
    async def _discard(client: aiosmtplib.SMTP) -> None:
        # Once the server accepted a message it is sent, whatever becomes of the goodbye.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.quit(), 2)
        client.close()
