"""Rendering with Jinja2 templates (one pair per kind) and sending over SMTP with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..domain.model import Email, Notification

_templates = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)


def render(notification: Notification, context: dict) -> Email:
    subject = _templates.get_template(f"{notification.kind}.subject.txt").render(context).strip()
    return Email(
        to=context["recipient"]["email"],
        subject=subject,
        text=_templates.get_template(f"{notification.kind}.txt").render(context),
        html=_templates.get_template(f"{notification.kind}.html").render(context),
        # Derived from the notification, so a resend is recognisably the same message.
        message_id=make_msgid(idstring=str(notification.id), domain="mentorship.example"),
    )


class SmtpMailer:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self._host, self._port, self._sender = host, port, sender

    async def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        await aiosmtplib.send(message, hostname=self._host, port=self._port, timeout=10)
