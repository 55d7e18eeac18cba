from plumbing.settings import ServiceSettings
from pydantic import Field


class EventsSettings(ServiceSettings):
    service_name: str = "events"
    # How often each instance looks for reminders to send (the pass itself runs in one instance at a time).
    reminder_poll_seconds: float = Field(default=60.0, validation_alias="REMINDER_POLL_SECONDS")
