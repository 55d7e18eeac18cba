"""Profiles service: people, chapters, programs, enrollments and consent."""
