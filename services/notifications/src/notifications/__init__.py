"""Notifications service: email over SMTP, in-app inbox, reminders and preferences, each sent once."""
