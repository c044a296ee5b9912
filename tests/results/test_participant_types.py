"""Who answers and how they are doing: results by participant type and life satisfaction,
published from the dialogue's last release under the release rule."""

import pytest
from fastapi.testclient import TestClient

from api.results.models import GroupBy
from api.results.splits import life_satisfaction_of
from tests.helpers import assert_problem
from tests.reference import reference_life_satisfaction
from tests.results.conftest import (
    CLOSE,
    PARTICIPANT_TYPES,
    TruthBallot,
    World,
    assert_group_matches_reference,
    assert_small_groups_protected,
    results_of,
)

# The results store (the released ballots' new columns) runs per dialect.
pytestmark = pytest.mark.both_databases

YOUTH_ANSWERS = [7, 8, 8, 9, 6, 5, 10, 7, 7, 8, 9, 4, 6, 8]
ORGANISATION_ANSWERS = [6, 7, 8, 5, 9, 7, 6, 8, 7, 3, 7]


def youth_centre_session(world: World) -> int:
    return next(s for s, kind in world.session_kinds.items() if kind == "youth_centre")


def cast_youth_centre(world: World, *, entrepreneurs: int = 0) -> None:
    """A youth-centre evening: 14 young people and 11 people there for an organisation, a few
    entrepreneurs; and 30 residents at the library who do not say how they take part. All
    answer the life-satisfaction question."""
    room = youth_centre_session(world)
    library = next(s for s, kind in world.session_kinds.items() if kind == "library")
    ballots = []
    for kind, band, answers in (
        ("youth", "12-17", YOUTH_ANSWERS),
        ("organisation", "25-44", ORGANISATION_ANSWERS),
        ("business", None, [9] * entrepreneurs),
    ):
        for life in answers:
            ranking = world.random_ballot(room).ranking
            ballots.append(TruthBallot(room, ranking, None, band, kind, life))
    for _ in range(30):
        base = world.random_ballot(library)
        life = world.rng.randint(0, 10)
        ballots.append(
            TruthBallot(library, base.ranking, base.neighbourhood, base.age_band, None, life)
        )
    world.cast((None, ballot) for ballot in ballots)


def answers_of(world: World, kind: str | None = ...) -> list[int]:
    """The released answers, of one participant type (None: not said) or of everyone."""
    return [
        b.life_satisfaction
        for b in world.released().values()
        if b.life_satisfaction is not None and (kind is ... or b.participant_type == kind)
    ]


def assert_life_satisfaction_equals(figures: dict, answers: list[int]) -> None:
    expected = reference_life_satisfaction(answers)
    assert expected is not None
    assert figures["answered"] == expected.answered
    assert figures["mean"] == pytest.approx(float(expected.mean), **CLOSE)
    assert figures["meanLow"] == pytest.approx(expected.mean_low, **CLOSE)
    assert figures["meanHigh"] == pytest.approx(expected.mean_high, **CLOSE)
    assert figures["shares"] == {
        band: pytest.approx(float(share), **CLOSE) for band, share in expected.shares.items()
    }


def test_life_satisfaction_figures_equal_a_hand_computation():
    # Answers 4, 5, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 10 (13 answers, sum 96):
    # mean = 96 / 13 = 7.384615…;
    # Σa² = 16 + 25 + 36 + 3·49 + 4·64 + 2·81 + 100 = 742; Σ(a − mean)² = 742 − 96²/13
    # = 742 − 708.923077 = 33.076923; s² = 33.076923 / 12 = 2.756410; s = 1.660244;
    # half width = 1.96 · 1.660244 / √13 = 1.96 · 0.460469 = 0.902519;
    # interval 7.384615 ± 0.902519 = 6.482096 … 8.287134.
    # Shares: 0–5: 2/13, 6: 1/13, 7–8: 7/13, 9–10: 3/13.
    per_score = [0, 0, 0, 0, 1, 1, 1, 3, 4, 2, 1]
    figures = life_satisfaction_of(per_score)
    assert figures is not None
    assert figures.answered == 13
    assert figures.mean == pytest.approx(7.384615, abs=1e-6)
    assert figures.mean_low == pytest.approx(6.482096, abs=1e-6)
    assert figures.mean_high == pytest.approx(8.287134, abs=1e-6)
    assert figures.shares == pytest.approx(
        {"0-5": 2 / 13, "6": 1 / 13, "7-8": 7 / 13, "9-10": 3 / 13}
    )


def test_youth_centre_results_by_participant_type_equal_the_reference_after_the_end(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    cast_youth_centre(world)
    world.refresh()
    world.end()
    body = results_of(client, analyst, world, groupBy="participantType")
    groups = {g["key"]: g for g in body["groups"]}
    expected = world.expected_groups(GroupBy.PARTICIPANT_TYPE)
    assert set(groups) == set(expected) == {"dialogue", *PARTICIPANT_TYPES, "unknown"}
    for key in ("dialogue", "youth", "organisation", "unknown"):
        assert_group_matches_reference(groups[key], expected[key], world)
        assert groups[key]["kind"] == ("dialogue" if key == "dialogue" else "participantType")
    assert groups["business"]["suppressed"] and groups["resident"]["suppressed"]  # empty
    assert_life_satisfaction_equals(groups["youth"]["lifeSatisfaction"], YOUTH_ANSWERS)
    assert_life_satisfaction_equals(
        groups["organisation"]["lifeSatisfaction"], ORGANISATION_ANSWERS
    )
    assert_life_satisfaction_equals(groups["unknown"]["lifeSatisfaction"], answers_of(world, None))
    assert_life_satisfaction_equals(groups["dialogue"]["lifeSatisfaction"], answers_of(world))
    assert len(answers_of(world)) == 55


@pytest.mark.parametrize("group_by", ["venueKind", "ageBand", "session", "neighbourhood"])
def test_life_satisfaction_of_every_group_is_exact_and_small_answer_sets_stay_hidden(
    client: TestClient, analyst, empty_world: World, group_by: str
):
    """Each breakdown's groups carry the figures of exactly their answers where shown; the
    groups of answers are held to the rule like groups of ballots: none under the minimum,
    none recoverable from a total and its shown parts."""
    world = empty_world
    cast_youth_centre(world)
    world.cast_random(40)  # residents who skip the question
    world.end()
    groups = results_of(client, analyst, world, groupBy=group_by)["groups"]
    expected = world.expected_groups(group_by)
    for group in groups:
        if group["lifeSatisfaction"] is not None:
            answers = [b.life_satisfaction for b in expected[group["key"]]]
            assert_life_satisfaction_equals(
                group["lifeSatisfaction"], [a for a in answers if a is not None]
            )
    answered = [b for b in world.released().values() if b.life_satisfaction is not None]
    assert_small_groups_protected(
        {g["key"]: g["lifeSatisfaction"] is None for g in groups},
        answered,
        world,
        group_by,
        min_group_size=10,
    )
    skipped = [b for b in world.released().values() if b.life_satisfaction is None]
    assert_small_groups_protected(
        {g["key"]: g["lifeSatisfaction"] is None or g["suppressed"] for g in groups},
        skipped,
        world,
        group_by,
        min_group_size=10,
    )


def test_a_participant_type_below_the_minimum_is_suppressed_and_protected(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    cast_youth_centre(world, entrepreneurs=3)
    world.end()
    groups = {
        g["key"]: g for g in results_of(client, analyst, world, groupBy="participantType")["groups"]
    }
    business = groups["business"]
    assert business["suppressed"] and business["ballots"] is None
    assert business["suppressedReason"] == "tooFew" and business["lifeSatisfaction"] is None
    # The total minus the shown groups would be the three: the smallest other group hides too.
    assert groups["organisation"]["suppressedReason"] == "protectsAnother"
    assert groups["organisation"]["lifeSatisfaction"] is None
    assert_small_groups_protected(
        {key: g["suppressed"] for key, g in groups.items()},
        world.released().values(),
        world,
        GroupBy.PARTICIPANT_TYPE,
        min_group_size=10,
    )


def test_views_by_participant_type_wait_for_the_end_and_life_satisfaction_with_them(
    client: TestClient, analyst, world: World
):
    response = client.get(
        f"/dialogues/{world.dialogue_id}/results",
        params={"groupBy": "participantType"},
        headers=analyst,
    )
    assert_problem(response, 409)
    assert response.json()["type"].endswith("filtered-results-after-end")
    # The groups are shown while the dialogue runs, their life satisfaction is not.
    body = results_of(client, analyst, world, groupBy="venueKind")
    assert any(not g["suppressed"] for g in body["groups"])
    assert all(g["lifeSatisfaction"] is None for g in body["groups"])


def test_participant_type_groups_with_a_venue_or_age_filter_are_a_400(
    client: TestClient, analyst, world: World
):
    world.end()
    for params in ({"venueKind": "library"}, {"ageBand": "18-24"}):
        response = client.get(
            f"/dialogues/{world.dialogue_id}/results",
            params={"groupBy": "participantType", **params},
            headers=analyst,
        )
        assert_problem(response, 400)


def test_one_answer_in_a_shown_group_is_never_shown(
    client: TestClient, analyst, empty_world: World
):
    """12 ballots at each library, 12 answers at one and exactly one at the other: the one
    answer is hidden, and so is whatever would give it back as the total minus a part."""
    world = empty_world
    libraries = [s for s, kind in world.session_kinds.items() if kind == "library"]
    ballots = []
    for index in range(12):
        for session_id, life in ((libraries[0], 7), (libraries[1], 2 if index == 0 else None)):
            base = world.random_ballot(session_id)
            ballots.append(TruthBallot(session_id, base.ranking, None, None, None, life))
    world.cast((None, ballot) for ballot in ballots)
    world.end()
    body = results_of(client, analyst, world, groupBy="session", venueKind="library")
    groups = {g["key"]: g for g in body["groups"]}
    one, many = groups[str(libraries[1])], groups[str(libraries[0])]
    assert not one["suppressed"] and not many["suppressed"]
    assert one["lifeSatisfaction"] is None
    shown = [g for g in (groups["dialogue"], many) if g["lifeSatisfaction"] is not None]
    # Both the total (13 answers) and the other room (12) shown would tell the one answer.
    assert len(shown) <= 1
    venue = {g["key"]: g for g in results_of(client, analyst, world, groupBy="venueKind")["groups"]}
    dialogue_answers = venue["dialogue"]["lifeSatisfaction"]
    library_answers = venue["library"]["lifeSatisfaction"]
    if dialogue_answers and library_answers:
        assert dialogue_answers["answered"] - library_answers["answered"] in (0,) or (
            dialogue_answers["answered"] - library_answers["answered"] >= 10
        )


def test_life_satisfaction_is_hidden_when_one_person_in_the_group_skipped_it(
    client: TestClient, analyst, empty_world: World
):
    """Answered and skipped add up to the group: 11 of 12 answers would tell that one
    person skipped the question, so the figures are hidden."""
    world = empty_world
    room = youth_centre_session(world)
    ballots = [
        TruthBallot(room, world.random_ballot(room).ranking, None, None, "youth", 8 if i else None)
        for i in range(12)
    ]
    world.cast((None, ballot) for ballot in ballots)
    world.end()
    body = results_of(client, analyst, world, groupBy="dialogue")
    (total,) = body["groups"]
    assert total["ballots"] == 12
    assert total["lifeSatisfaction"] is None


def test_pledge_totals_by_participant_type_come_after_the_end_with_small_groups_hidden(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    cast_youth_centre(world, entrepreneurs=3)
    by_kind = {}
    for participant, ballot in world.ballots.items():
        by_kind.setdefault(ballot.participant_type, []).append(participant)
    world.pledge(
        (p, {"kind": "time", "hoursPerMonth": "2"})
        for kind in ("youth", "organisation", None, "business")
        for p in by_kind[kind][:11]
    )
    world.refresh()
    url = f"/dialogues/{world.dialogue_id}/pledges/summary"
    assert_problem(client.get(url, params={"groupBy": "participantType"}, headers=analyst), 409)
    world.end()
    response = client.get(url, params={"groupBy": "participantType"}, headers=analyst)
    assert response.status_code == 200, response.text
    groups = {g["key"]: g for g in response.json()["groups"]}
    assert groups["dialogue"]["pledgers"] == 11 + 11 + 11 + 3
    assert groups["youth"]["pledgers"] == 11
    assert groups["youth"]["totals"] == {"pledges": 11, "hoursPerMonth": 22.0}
    assert groups["business"]["suppressed"] and groups["business"]["suppressedReason"] == "tooFew"
    # Three entrepreneurs hidden alone would be the total minus the rest: one more hides.
    hidden = [k for k, g in groups.items() if g["suppressed"] and k != "business"]
    assert len([k for k in hidden if k != "resident"]) == 1
