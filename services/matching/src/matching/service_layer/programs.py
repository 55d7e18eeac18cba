"""A program as matching knows it: its rules, its weights (matching's own configuration) and its statistics."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..domain.errors import NoWeightPositive, ProgramNotFound
from ..domain.model import ProgramRules
from ..domain.scoring import Weights, places_free
from .ports import MatchingUnitOfWorkPort


async def existing_program(program_id: UUID, uow: MatchingUnitOfWorkPort) -> ProgramRules:
    """The program, inside the caller's unit of work; not found if profiles never defined it."""
    program = await uow.programs.get(program_id)
    if program is None:
        raise ProgramNotFound("no such program", "program_id")
    return program


async def program_rules(program_id: UUID, uow: MatchingUnitOfWorkPort) -> ProgramRules:
    async with uow:
        return await existing_program(program_id, uow)


async def weights_of(program_id: UUID, uow: MatchingUnitOfWorkPort) -> Weights:
    async with uow:
        await existing_program(program_id, uow)
        return await uow.programs.weights(program_id)


async def set_weights(program_id: UUID, weights: Weights, uow: MatchingUnitOfWorkPort) -> Weights:
    async with uow:
        await existing_program(program_id, uow)
        if not weights.weighs_anything():
            raise NoWeightPositive("at least one weight must be positive", "specialty")
        await uow.programs.save_weights(program_id, weights)
        await uow.commit()
        return weights


async def statistics(program_id: UUID, uow: MatchingUnitOfWorkPort) -> dict[str, Any]:
    """The program's pairings and waitlist counted, and the places its mentors have free: read from the mentors a round
    reads (not paused, withdrawn nor suspended, their matching profile arrived), counted by the round's own rule, so
    that a coordinator can tell what a round will do before she runs it."""
    async with uow:
        program = await existing_program(program_id, uow)
        figures = await uow.programs.statistics(program_id)
        mentors = await uow.candidates.in_program(program, "mentor")
    places, mentors_with_room = places_free(mentors, program)
    return {**figures, "places_free": places, "mentors_with_room": mentors_with_room}
