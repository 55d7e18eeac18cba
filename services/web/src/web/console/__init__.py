"""The coordinator's and national administrator's console (`/console`): pages that render what the services answer,
join names (one profiles call per page) and word the services' codes. Every rule stays in the services."""

from fastapi import APIRouter

from . import admin, emails, events, people, program_settings, programs, reports

# Each part's router, given to the app as they are (not nested in one): the app counts each route's server errors
# from its routers' own routes.
routers: list[APIRouter] = [part.router for part in (people, programs, program_settings, events, reports, emails, admin)]

__all__ = ["routers"]
