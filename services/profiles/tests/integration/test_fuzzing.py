"""Schemathesis against profiles' own OpenAPI document, on the real database and broker: every operation, with
input that fits the document and input that does not, as a national administrator. No answer is a 5xx.

The run has a service and a database of its own, and the ids it sends are random or those of the records it made
itself here, so it changes nothing it did not create (`plumbing.fuzzing`).
"""

import asyncio
import time
from uuid import uuid4

import pytest
from plumbing.fuzzing import fuzz
from plumbing.personal_data import readers_setting
from plumbing.testing import serving
from profiles.adapters.sealing import new_key
from profiles.bootstrap import build_app
from profiles.config import ProfilesSettings

from .conftest import KEYS, READER_KEYS, Profiles


async def records_of_its_own(api: Profiles) -> dict[str, list[str]]:
    """A chapter, a program, a person and an enrollment, whose ids the run may use besides random ones."""
    async with api.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": "Fuzzed chapter"})).json()
        program = (await admin.post("/v1/programs", json={
            "name": "Fuzzed program", "chapter_id": chapter["id"], "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident"]})).json()
        person = (await admin.post("/v1/people", json={
            "display_name": "Fuzzed person", "email": f"{uuid4().hex}@example.org", "stage": "resident",
            "chapter_id": chapter["id"]})).json()
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": person["id"], "program_id": program["id"], "role": "mentor", "capacity": 2})).json()
    return {"chapter_id": [chapter["id"]], "program_id": [program["id"]], "person_id": [person["id"]],
            "enrollment_id": [enrollment["id"]]}


# Schemathesis's own strategies draw from `random`, which Hypothesis warns of under `derandomize`.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_no_input_makes_the_profiles_api_answer_a_server_error(kafka_settings, kafka_client_options,
                                                                     postgres_server):
    name = f"profiles_fuzz_{uuid4().hex[:8]}"
    database_url = postgres_server.create_database(name)
    settings = ProfilesSettings(service_name="profiles", consumer_group_name=name, database_url=database_url,
                                **kafka_settings("profiles"), jwt_public_key=KEYS.public_pem, identity_key=new_key(),
                                data_key_readers=readers_setting(READER_KEYS))
    app = build_app(settings)
    async with serving(app) as url:
        api = Profiles(url, database_url, kafka_client_options(), settings.secret("identity_key"))
        own = await records_of_its_own(api)
        async with api.client() as admin:
            authorization = admin.headers["Authorization"]
        started = time.monotonic()
        sent, server_errors = await asyncio.to_thread(fuzz, app.openapi(), url, authorization, own)
    print(f"schemathesis: {len(sent)} operations, {sum(sent.values())} requests in {time.monotonic() - started:.0f} s,"
          f" {len(server_errors)} server errors")
    assert len(sent) == sum(len(methods) for methods in app.openapi()["paths"].values())
    assert server_errors == [], "\n\n".join(server_errors)
