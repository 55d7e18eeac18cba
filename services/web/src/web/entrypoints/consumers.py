"""Which events the web applies: people erased or suspended (signed out everywhere), updated (chapter, stage), and
whose staff roles changed (read again at their next request), from
profiles' public people topic. Later versions of an event go to the same handler."""

from collections.abc import Awaitable, Callable
from typing import Any

from mentorship_contracts import IntegrationEvent, profiles

from ..service_layer import sign_in
from ..service_layer.ports import WebUnitOfWorkPort

HANDLERS: dict[type[IntegrationEvent], Callable[[Any, WebUnitOfWorkPort], Awaitable[None]]] = {
    profiles.PersonErased: sign_in.person_erased,
    profiles.PersonUpdated: sign_in.person_updated,
    profiles.StaffRolesChanged: sign_in.staff_roles_changed,
    profiles.PersonSuspended: sign_in.person_suspended,
}
