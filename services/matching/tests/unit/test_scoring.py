"""The vectorised scorer a round and registration use gives exactly the rankings of the explained per-pair `fit`,
qualifies exactly the pairs whose visible fit reaches the program's minimum, and rules out exactly the pairs
`exclusion` rules out, on random people and random weights."""

import itertools
import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import numpy as np
from matching.domain.model import Candidate, IdentityWish, ProgramRules
from matching.domain.pairing import refusal
from matching.domain.rounds import candidate_graph
from matching.domain.scorer import EXACT_FLOAT32, Ranking, Scorer, ranked_mentors, suitable_mentors
from matching.domain.scoring import Weights, exclusion, fit, pair_exclusion
from mentorship_contracts.vocabulary import Specialty, SupportArea
from mentorship_contracts.vocabulary import TrainingStage as S

NOW = datetime(2026, 11, 22, tzinfo=UTC)
STAGES = list(S)
ATTRIBUTES = {"first_generation": ["yes", "no"], "gender_identity": ["woman", "man", "non_binary"],
              "race_ethnicity": ["black", "hispanic_latinx", "asian"]}


def random_weights(rng: random.Random, largest: int = 100) -> Weights:
    return Weights(*(rng.choice([0, rng.randint(0, largest)]) for _ in range(6)), near_peer_max_gap=rng.randint(1, 4))


def random_person(rng: random.Random, i: int, mentor: bool, people: list[Candidate]) -> Candidate:
    if people and rng.random() < 0.05:  # the same person on both sides
        return Candidate(**{**vars(rng.choice(people)), "enrollment_id": uuid4()})
    identity = {a: rng.choice(v) for a, v in ATTRIBUTES.items() if rng.random() < 0.4}
    shown = frozenset(a for a in ATTRIBUTES if rng.random() < 0.5)  # some not held, some not used in matching
    wishes = tuple(IdentityWish(a, rng.random() < 0.3) for a in ATTRIBUTES if rng.random() < 0.3)
    return Candidate(
        enrollment_id=uuid4(), person_id=uuid4(), stage=rng.choice(STAGES),
        capacity=rng.randint(1, 3), active_pairings=rng.choice([0, 0, 0, 1]), approved=rng.random() < 0.9,
        mentee_stages_welcome=rng.sample(STAGES, rng.randint(1, 6)) if mentor and rng.random() < 0.3 else [],
        # Duplicates, and values outside the vocabulary, which count for nothing.
        specialties=rng.choices([s.value for s in Specialty] + ["astrology"], k=rng.randint(0, 4)),
        support_areas=rng.choices([s.value for s in SupportArea], k=rng.randint(0, 4)),
        languages=rng.sample(["en", "es", "fr"], rng.randint(0, 2)),  # some share none, some list none
        timezone=rng.choice(["America/New_York", "America/Chicago", "UTC", ""]),
        region=rng.choice([None, "", "Northeast", "Midwest", "America/Chicago"]),
        modalities=rng.choice([[], ["virtual"], ["in_person"], ["in_person", "virtual"], ["phone"]]),
        identity=identity, identity_wishes=wishes, shown=shown, waiting_since=NOW + timedelta(minutes=i),
        pairing_kind=rng.choice(["general", "general", "general", "clinical"]),
    )


def score_matrix(mentees: list[Candidate], mentors: list[Candidate], weights: Weights,
                 minimum_score: int = 0) -> np.ndarray:
    """[mentees, mentors] rankings (int16) by the vectorised scorer, one mentee's row at a time, −1 where a pairwise
    hard constraint rules the pair out or its visible fit falls short of `minimum_score`."""
    scorer = Scorer(mentors, weights)
    rows = scorer.rows(mentees, minimum_score)
    out = np.full((len(mentees), len(mentors)), -1, dtype=np.int16)
    person = {m.person_id: j for j, m in enumerate(mentors)}
    for i in range(len(mentees)):
        if rows.unmet_requirement[i]:
            continue
        columns = scorer.columns(int(rows.stage[i]), int(rows.rank[i]), rows.required[i], mentees[i].pairing_kind,
                                 rows.meets_in[i])
        coefficients = rows.coefficients[i:i + 1]
        shifted = coefficients @ scorer.transposed(columns, rows.coefficients.dtype)
        points = rows.ranking_points(np.array([i]), shifted,
                                     scorer.reached(coefficients, shifted, scorer.features[columns]))
        out[i, columns] = np.where(points >= 0, rows.rankings(np.array([i]), np.maximum(points, 0)), -1)[0]
        if mentees[i].person_id in person:
            out[i, person[mentees[i].person_id]] = -1
    return out


def expected_matrix(mentees: list[Candidate], mentors: list[Candidate], weights: Weights,
                    minimum_score: int = 0) -> np.ndarray:
    """The same, pair by pair, from the definition."""
    return np.array([[fit(e, m, weights).ranking if pair_exclusion(e, m) is None
                      and fit(e, m, weights).score >= minimum_score else -1 for m in mentors] for e in mentees])


def random_population(seed: int, mentees: int, mentors: int) -> tuple[list[Candidate], list[Candidate]]:
    rng = random.Random(seed)
    people: list[Candidate] = []
    for i in range(mentees + mentors):
        people.append(random_person(rng, i, i >= mentees, people))
    return people[:mentees], people[mentees:]


def test_the_rankings_of_a_whole_block_at_once_equal_each_pairs_explained_ones_and_its_hard_constraints():
    for seed in range(12):
        rng = random.Random(seed)
        mentees, mentors = random_population(seed, 60, 50)
        weights = Weights() if seed == 0 else random_weights(rng)
        minimum = 0 if seed < 6 else rng.choice([30, 55])
        block = score_matrix(mentees, mentors, weights, minimum)
        expected = expected_matrix(mentees, mentors, weights, minimum)
        assert (block == expected).all(), f"seed {seed}: {np.argwhere(block != expected)[:5]}"
        assert (block >= 0).any() and (block == -1).any()
        assert any(pair_exclusion(e, m) == "no_shared_language" for e in mentees for m in mentors)


def test_identity_counts_in_the_ranking_only_and_a_mentors_only_where_they_show_the_attribute():
    mentees, mentors = random_population(3, 80, 60)
    differ = met = 0
    for e in mentees:
        for m in mentors:
            explained = fit(e, m)
            alike = fit(Candidate(**{**vars(e), "identity": {}, "identity_wishes": ()}), m)
            assert (explained.score, explained.reasons) == (alike.score, alike.reasons)
            differ += explained.ranking != explained.score
            assert explained.ranking == fit(e, m.as_shown()).ranking, "only what the mentor shows may rank them"
            required = {w.attribute for w in e.identity_wishes if w.required and w.attribute in e.identity}
            if required and pair_exclusion(e, m) is None:
                met += 1
                assert all(a in m.shown and m.identity.get(a) == e.identity[a] for a in required)
    assert differ and met


def test_weights_too_large_for_exact_single_precision_are_scored_exactly_in_double():
    mentees, mentors = random_population(99, 40, 40)
    weights = Weights(specialty=900_000, support=700_001, stage=300_003, identity=50_000, language=7,
                      logistics=1_000_001)
    rows = Scorer(mentors, weights).rows(mentees)
    assert rows.coefficients.dtype == np.float64
    assert (rows.multiplier * rows.applicable).max() >= EXACT_FLOAT32
    assert (score_matrix(mentees, mentors, weights) == expected_matrix(mentees, mentors, weights)).all()


def test_a_pair_reaches_the_programs_minimum_score_exactly_when_its_rounded_visible_score_does():
    rng = random.Random(5)
    mentees, mentors = random_population(5, 80, 10)
    for minimum in (1, 30, 45, 67, 99, 100, 101):
        rows = Scorer(mentors, random_weights(rng)).rows(mentees, minimum)
        for i in range(len(mentees)):
            # Every scaled total a pair may have around this mentee's threshold.
            possible = int(rows.multiplier[i] * rows.visible_applicable[i])
            scaled = np.arange(max(0, int(rows.threshold[i]) - 300), min(possible, int(rows.threshold[i]) + 300) + 1)
            shifted = (scaled - rows.threshold[i])[None, :]
            visible = rows.rounded(np.array([i]), scaled[None, :], rows.visible_applicable)
            assert ((shifted >= 0) == (visible >= minimum)).all(), (minimum, i)


def test_a_round_graph_holds_exactly_the_pairs_every_hard_constraint_and_the_threshold_allow_with_their_rankings():
    for seed in range(8):
        rng = random.Random(100 + seed)
        mentees, mentors = random_population(100 + seed, 50, 40)
        weights = random_weights(rng)
        program = ProgramRules(
            id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=False, pair_cap=None,
            minimum_score=rng.choice([0, 20, 45, 70]), term_months=12, mentee_stages=STAGES,
            mentor_stages=rng.sample(STAGES, 15),
        )
        closed = frozenset((rng.choice(mentees).person_id, rng.choice(mentors).person_id) for _ in range(30))
        graph = candidate_graph(program, weights, mentees, mentors, live_pairs=0, closed_before=closed,
                                top_k=len(mentors))
        found = {(graph.mentees[i].enrollment_id, graph.mentors[j].enrollment_id): s
                 for i, j, s in zip(graph.heads.tolist(), graph.tails.tolist(), graph.scores.tolist(), strict=True)}
        expected = {}
        for e in mentees:
            for m in mentors:
                if exclusion(e, m, program, closed) is None:
                    explained = fit(e, m, weights)
                    if explained.score >= program.minimum_score:
                        expected[(e.enrollment_id, m.enrollment_id)] = explained.ranking
        assert found == expected, f"seed {seed}"
        for i, e in enumerate(mentees):
            allowed = [m for m in mentors if exclusion(e, m, program, closed) is None]
            assert graph.eligible_any[i] == bool(allowed)
            assert graph.qualified_any[i] == any(fit(e, m, weights).score >= program.minimum_score for m in allowed)


def test_a_round_graph_keeps_each_mentees_k_best_ranked_among_many_mentors_ties_included():
    for seed in range(4):
        rng = random.Random(200 + seed)
        mentees, mentors = random_population(200 + seed, 40, 300)
        weights = random_weights(rng, largest=10)  # small weights: many equal scores
        program = ProgramRules(
            id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=False, pair_cap=None,
            minimum_score=rng.choice([0, 30]), term_months=12, mentee_stages=STAGES, mentor_stages=STAGES,
        )
        closed = frozenset((rng.choice(mentees).person_id, rng.choice(mentors).person_id) for _ in range(40))
        graph = candidate_graph(program, weights, mentees, mentors, live_pairs=0, closed_before=closed, top_k=4)
        for i, e in enumerate(mentees):
            kept = graph.scores[graph.heads == i].tolist()
            fits = [fit(e, m, weights) for m in mentors if exclusion(e, m, program, closed) is None]
            allowed = sorted((f.ranking for f in fits if f.score >= program.minimum_score), reverse=True)
            assert kept == allowed[:4], f"seed {seed}, mentee {i}"
            assert all(graph.mentors[j].person_id != e.person_id and (e.person_id, graph.mentors[j].person_id)
                       not in closed for j in graph.tails[graph.heads == i].tolist())


def test_mentees_ranked_in_blocks_are_ranked_as_each_would_be_alone(monkeypatch):
    monkeypatch.setattr(Ranking, "BLOCK", 4)  # many blocks, and mentees on their edges
    for seed in range(6):
        rng = random.Random(seed)
        mentees, mentors = random_population(seed, 30, 40)
        program = ProgramRules(
            id=uuid4(), chapter_id=None, pairing_mode="on_registration", both_must_accept=False, pair_cap=None,
            minimum_score=rng.choice([0, 40]), term_months=12, mentee_stages=STAGES, mentor_stages=STAGES,
        )
        scorer = Scorer(mentors, random_weights(rng))
        room = np.array([rng.randint(0, 2) for _ in mentors], dtype=np.int64)
        closed = frozenset((mentees[i].person_id, mentors[i].person_id) for i in range(0, 30, 7))
        ranking = Ranking(scorer, mentees, program.minimum_score)
        for i in rng.sample(range(30), 30):  # in any order, back and forth across blocks
            assert ranking.ranked(i, room, closed) == ranked_mentors(mentees[i], scorer, program, room, closed)


def test_a_mentees_best_mentor_alone_is_the_first_of_their_whole_ranking_ties_broken_alike():
    for seed in range(8):
        rng = random.Random(seed)
        mentees, mentors = random_population(seed, 30, 60)
        scorer = Scorer(mentors, Weights() if seed % 2 else random_weights(rng, largest=3))  # small weights: ties
        room = np.array([rng.randint(0, 3) for _ in mentors], dtype=np.int64)
        ranking = Ranking(scorer, mentees, rng.choice([0, 30]))
        for i in range(30):
            assert ranking.ranked(i, room, limit=1) == ranking.ranked(i, room)[:1]


def test_a_pair_is_refused_below_the_minimum_exactly_when_the_scorer_would_not_rank_the_mentor():
    """`refusal` checks one pair (publishing a round re-checks every drafted pair) without building a scorer."""
    rng = random.Random(11)
    mentees, mentors = random_population(11, 40, 30)
    for minimum in (0, 30, 55, 80):
        program = ProgramRules(id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=False,
                               pair_cap=None, minimum_score=minimum, term_months=12, mentee_stages=STAGES,
                               mentor_stages=STAGES)
        weights = random_weights(rng)
        for mentee, mentor in itertools.product(mentees[:12], mentors):
            if exclusion(mentee, mentor, program) is not None or mentee.stage not in program.mentee_stages:
                continue
            ranked = suitable_mentors(mentee, [mentor], program, weights)
            assert (refusal(mentee, mentor, program, weights) == "below_minimum_score") == (not ranked)
