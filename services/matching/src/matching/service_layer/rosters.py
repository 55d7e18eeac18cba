"""Each program's scored mentor roster, kept in memory between registrations while it is still true.

Pairing one registering mentee needs every mentor of the program scored as columns; reading and encoding them
all at each registration would cost far more than the pairing. A roster is kept per program and used only if
the database's stamp of the program's mentors (which database, how many, and the latest change to any of them,
their enrollment or their profile), read in the using transaction under the program's lock, equals the stamp
of what was read to build it, and the rules and weights it was scored with are unchanged. The room mentors
have left is not part of it: that is read fresh each time.
"""

from __future__ import annotations

from collections import OrderedDict
from uuid import UUID

from ..domain.model import ProgramRules
from ..domain.pairing import Roster
from ..domain.scoring import Weights
from .ports import CandidatesRepository, RosterStamp


class RosterCache:
    """One per process (built in bootstrap), shared by every unit of work of the instance."""

    def __init__(self, programs: int = 64) -> None:
        self._entries: OrderedDict[UUID, tuple[tuple, Roster]] = OrderedDict()
        self._programs = programs
        self.builds = 0  # how many rosters were read and scored (the rest came from memory)

    async def roster(self, program: ProgramRules, weights: Weights, stamp: RosterStamp,
                     candidates: CandidatesRepository) -> Roster:
        """The program's roster, from memory if `stamp` (the database's, just read under the program's lock) and
        the rules and weights are those it was built from; else read and scored afresh."""
        rules = (tuple(program.mentor_stages), program.format, program.group_size, weights)
        kept = self._entries.get(program.id)
        if kept is not None and kept[0] == (stamp, rules):
            self._entries.move_to_end(program.id)
            return kept[1]
        mentors, stamp = await candidates.roster(program)
        roster = Roster.of(program, mentors, weights)
        self.builds += 1
        self._entries[program.id] = ((stamp, rules), roster)
        self._entries.move_to_end(program.id)
        while len(self._entries) > self._programs:
            self._entries.popitem(last=False)
        return roster
