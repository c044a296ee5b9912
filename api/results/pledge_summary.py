"""Pledge totals per group, with the same small-group suppression as the rankings."""

from collections import defaultdict

from sqlmodel import Session

from api.ballots import service as ballots
from api.dialogues.models import Dialogue
from api.municipalities.models import Municipality
from api.pledges import service as pledges
from api.results.cells import DialogueLayout, session_key
from api.results.models import ALL, NOT_GIVEN, GroupBy, PledgeGroup, PledgeSummary, PledgeTotals
from api.results.suppression import Line, suppressed_cells


class _Totals:
    def __init__(self) -> None:
        self.pledges = 0
        self.hours = 0.0

    def add(self, hours: float | None) -> None:
        self.pledges += 1
        self.hours += hours or 0.0

    def public(self) -> PledgeTotals:
        return PledgeTotals(pledges=self.pledges, hours_per_month=round(self.hours, 1))


def pledge_summary(
    session: Session,
    *,
    dialogue: Dialogue,
    layout: DialogueLayout,
    group_by: GroupBy,
    labels,
    secret: str,
) -> PledgeSummary:
    """Pledges counted per group (by kind and by priority); small groups suppressed.

    Contact offers (pledges with contact details) are linked to no participant, so they count
    in the dialogue's totals only; their makers are counted among the dialogue's pledgers once
    each (the app's `secret` recognises who made one, see api/pledges/service.py).
    """
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    facts = pledges.pledge_facts(session, dialogue_id=dialogue.id)  # type: ignore[arg-type]
    pledger_ids = sorted({participant for participant, *_ in facts})
    places = ballots.places_of_participants(session, participant_ids=pledger_ids)
    offers = pledges.offer_summary(
        session,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        participant_ids=pledger_ids,
        secret=secret,
    )
    pledgers: dict[str, set[str]] = defaultdict(set)
    totals: dict[str, _Totals] = defaultdict(_Totals)
    by_kind: dict[str, dict[str, _Totals]] = defaultdict(lambda: defaultdict(_Totals))
    by_priority: dict[str, dict[str, _Totals]] = defaultdict(lambda: defaultdict(_Totals))
    for participant, session_id, kind, priority_id, hours in facts:
        neighbourhood_id, band = places.get(participant, (None, None))
        for key in _group_keys(group_by, layout, session_id, neighbourhood_id, band):
            pledgers[key].add(participant)
            totals[key].add(hours)
            by_kind[key][kind].add(hours)
            if priority_id is not None:
                by_priority[key][str(priority_id)].add(hours)
    for kind, priority_id, hours in offers.facts:
        totals[ALL].add(hours)
        by_kind[ALL][kind].add(hours)
        if priority_id is not None:
            by_priority[ALL][str(priority_id)].add(hours)
    pledgers[ALL].update(f"offers:{n}" for n in range(offers.other_makers))

    # The pledgers who named only a wijk (`WK…+`) are never a group of their own. (Not "any
    # key ending in +": the age band 65+ does too.)
    wijk_only = (
        {f"{wijk}+" for wijk in layout.buurten_by_wijk}
        if group_by is GroupBy.NEIGHBOURHOOD
        else set()
    )
    counts = {key: len(people) for key, people in pledgers.items()}
    counts.setdefault(ALL, 0)
    lines = _lines(group_by, layout, counts)
    for line in lines:
        for key in (line.parent, *line.children):
            counts.setdefault(key, 0)  # type: ignore[arg-type]
    hidden = suppressed_cells(
        counts,
        lines,
        min_group_size=municipality.min_group_size,
        unpublished=[k for k in counts if k in wijk_only],
    )
    groups = []
    for key in sorted((k for k in pledgers if k not in wijk_only), key=lambda k: (k != ALL, k)):
        label, kind, parent = labels(key)
        if key in hidden:
            groups.append(
                PledgeGroup(key=_public_key(key), label=label, kind=kind, suppressed=True)
            )
            continue
        groups.append(
            PledgeGroup(
                key=_public_key(key),
                label=label,
                kind=kind,
                parent=parent,
                suppressed=False,
                pledgers=counts[key],
                totals=totals[key].public(),
                by_kind={k: t.public() for k, t in sorted(by_kind[key].items())},
                by_priority={p: t.public() for p, t in sorted(by_priority[key].items())},
            )
        )
    return PledgeSummary(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=group_by,
        min_group_size=municipality.min_group_size,
        groups=groups,
    )


def _public_key(key: str) -> str:
    if key == ALL:
        return "dialogue"
    if key == NOT_GIVEN:
        return "unknown"
    return key[1:] if key.startswith("s") else key


def _group_keys(
    group_by: GroupBy,
    layout: DialogueLayout,
    session_id: int,
    neighbourhood_id: int | None,
    band: str | None,
) -> list[str]:
    keys = [ALL]
    if group_by is GroupBy.NEIGHBOURHOOD:
        if neighbourhood_id is None:
            keys.append(NOT_GIVEN)
        else:
            wijk = layout.wijk_code[neighbourhood_id]
            buurt = layout.buurt_code.get(neighbourhood_id)
            keys += [wijk, buurt] if buurt else [wijk, f"{wijk}+"]
    elif group_by is GroupBy.VENUE_KIND:
        keys.append(layout.session_kind[session_id])
    elif group_by is GroupBy.SESSION:
        keys.append(session_key(session_id))
    elif group_by is GroupBy.AGE_BAND:
        keys.append(band or NOT_GIVEN)
    return keys


def _lines(group_by: GroupBy, layout: DialogueLayout, counts: dict[str, int]) -> list[Line[str]]:
    if group_by is GroupBy.DIALOGUE:
        return []
    if group_by is GroupBy.NEIGHBOURHOOD:
        wijken = tuple(layout.buurten_by_wijk)
        lines = [Line(ALL, (*wijken, NOT_GIVEN))]
        for wijk, buurten in layout.buurten_by_wijk.items():
            only = f"{wijk}+"
            counts.setdefault(only, 0)
            lines.append(Line(wijk, (*buurten, only)))
        return lines
    children = tuple(k for k in counts if k != ALL) or (NOT_GIVEN,)
    return [Line(ALL, children)]
