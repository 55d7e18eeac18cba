"""The coordinator's and national administrator's console (`/console`): pages that render what the services answer,
join names (one profiles call per page) and word the services' codes. Every rule stays in the services."""

from fastapi import APIRouter

from . import admin, emails, events, people, programs, reports

router = APIRouter(include_in_schema=False)
for part in (people, programs, events, reports, emails, admin):
    router.include_router(part.router)

__all__ = ["router"]
