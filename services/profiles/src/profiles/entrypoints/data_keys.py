"""People's data keys, for the consumers of restricted topics that open sealed events (`plumbing.person_keys`).

Answered only to a service the topic catalogue names as a consumer of a restricted topic, proving it with a token
it signed with its own key pair (whose public key profiles is configured with, `PROFILES_DATA_KEY_READERS`): a
person's token, an administrator's or the web app's is refused, whoever signed it. A person without a key in the
answer has none any more: they were erased, and what was sealed under their key stays unreadable.
"""

from __future__ import annotations

import base64
from typing import Annotated
from uuid import UUID

import jwt
from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from plumbing.auth import Principal, Role, forbidden, verify
from plumbing.http import ApiError, answers, unit_of_work
from plumbing.person_keys import DATA_KEYS_PATH, MAX_PEOPLE_PER_REQUEST
from pydantic import BaseModel, Field

from ..service_layer.unit_of_work import ProfilesUnitOfWork

router = APIRouter()
_bearer = HTTPBearer(auto_error=False)


async def key_reader(request: Request,
                     credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    """The service calling, if it is a reader of data keys and the token is signed with its own key."""
    if credentials is None:
        raise ApiError(401, "unauthenticated", "a bearer token is required")
    try:
        subject = jwt.decode(credentials.credentials, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError as error:
        raise ApiError(401, "unauthenticated", f"invalid bearer token: {error}") from error
    readers = request.app.state.service.settings.readers()
    if subject not in readers:
        raise forbidden("only the consumers of restricted topics may read data keys")
    caller = verify(readers[subject], credentials.credentials, audience="profiles")
    if caller.role != Role.SERVICE or caller.subject != subject:
        raise forbidden("only the consumers of restricted topics may read data keys")
    return caller


class DataKeyOut(BaseModel):
    person_id: UUID
    key_id: str
    key: str = Field(description="The AES-256 data key, URL-safe base64")


class DataKeysOut(BaseModel):
    keys: list[DataKeyOut] = Field(description="The keys found; a person asked for and not here was erased")


@router.get(DATA_KEYS_PATH, response_model=DataKeysOut, responses=answers(401, 403),
            tags=["internal"], summary="People's data keys, for the consumers of restricted topics")
async def data_keys(
    caller: Annotated[Principal, Depends(key_reader)],
    unit: Annotated[ProfilesUnitOfWork, Depends(unit_of_work)],
    person_id: Annotated[list[UUID], Query(min_length=1, max_length=MAX_PEOPLE_PER_REQUEST)],
) -> DataKeysOut:
    async with unit:
        found = await unit.person_keys.of(person_id)
    return DataKeysOut(keys=[DataKeyOut(person_id=p, key_id=k.key_id, key=base64.urlsafe_b64encode(k.key).decode())
                             for p, k in found.items()])
