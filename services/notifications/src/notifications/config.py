from pydantic import Field
from plumbing.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=10025, validation_alias="SMTP_PORT")
    mail_from: str = Field(default="Mentorship Platform <no-reply@mentorship.example>", validation_alias="MAIL_FROM")
    dispatch_poll_seconds: float = Field(default=1.0, validation_alias="DISPATCH_POLL_SECONDS")
