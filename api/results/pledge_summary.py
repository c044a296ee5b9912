"""Pledge totals per group, released pledger by pledger under the same rule as the rankings."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from api.results.cells import ReleaseView, ballot_cells
from api.results.layout import Cell, DialogueLayout
from api.results.models import ALL, CountedPledge, ReleasedOffer
from api.results.schemas import PledgeGroup, PledgeTotals, SuppressedReason
from api.results.suppression import Lattice, Line

Label = tuple[str, str, str | None]


class _Totals:
    def __init__(self) -> None:
        self.pledges = 0
        self.hours = Decimal(0)

    def add(self, hours: Decimal | None) -> None:
        self.pledges += 1
        self.hours += hours or 0

    def public(self) -> PledgeTotals:
        return PledgeTotals(pledges=self.pledges, hours_per_month=float(self.hours))


def pledger_cells(pledge: CountedPledge, layout: DialogueLayout) -> tuple[Cell, ...]:
    """The cells a released pledge's pledger stood in when it was released."""
    return ballot_cells(
        layout,
        session_id=pledge.session_id,
        neighbourhood_id=pledge.neighbourhood_id,
        age_band=pledge.age_band,
    )


def pledger_counts(pledges: Sequence[CountedPledge], layout: DialogueLayout) -> dict[Cell, int]:
    """How many pledgers each cell holds."""
    people: dict[Cell, set[str]] = defaultdict(set)
    for pledge in pledges:
        for cell in pledger_cells(pledge, layout):
            people[cell].add(pledge.participant_id)
    return {cell: len(members) for cell, members in people.items()}


def pledge_groups(
    pledges: Sequence[CountedPledge],
    offers: Sequence[ReleasedOffer],
    layout: DialogueLayout,
    *,
    cells: Sequence[Cell],
    view: ReleaseView,
    min_group_size: int,
    label: Callable[[Cell], Label],
    key_of: Callable[[Cell, str], str],
) -> list[PledgeGroup]:
    """The groups of a breakdown (`cells`), with totals by kind and priority where shown.

    Contact offers (pledges left with contact details) belong to no one, so they count in
    the dialogue's totals only: as pledges, not as pledgers (`pledgers` are the residents
    whose pledges are kept without contact details).
    """
    wanted = set(cells)
    pledgers: dict[Cell, set[str]] = defaultdict(set)
    totals: dict[Cell, _Totals] = defaultdict(_Totals)
    by_kind: dict[Cell, dict[str, _Totals]] = defaultdict(lambda: defaultdict(_Totals))
    by_priority: dict[Cell, dict[str, _Totals]] = defaultdict(lambda: defaultdict(_Totals))
    for pledge in pledges:
        for cell in wanted.intersection(pledger_cells(pledge, layout)):
            pledgers[cell].add(pledge.participant_id)
            totals[cell].add(pledge.hours_per_month)
            by_kind[cell][pledge.kind].add(pledge.hours_per_month)
            if pledge.priority_id is not None:
                by_priority[cell][str(pledge.priority_id)].add(pledge.hours_per_month)
    whole = (ALL, ALL, ALL)
    if whole in wanted:
        for offer in offers:
            totals[whole].add(offer.hours_per_month)
            by_kind[whole][offer.kind].add(offer.hours_per_month)
            if offer.priority_id is not None:
                by_priority[whole][str(offer.priority_id)].add(offer.hours_per_month)
    groups = []
    for cell in cells:
        name, kind, parent = label(cell)
        head = {"key": key_of(cell, kind), "label": name, "kind": kind, "parent": parent}
        if cell in view.hidden or not pledgers[cell]:
            reason = (
                SuppressedReason.PROTECTS_ANOTHER
                if view.counts.get(cell, 0) >= min_group_size
                else SuppressedReason.TOO_FEW
            )
            groups.append(PledgeGroup(**head, suppressed=True, suppressed_reason=reason))
            continue
        groups.append(
            PledgeGroup(
                **head,
                suppressed=False,
                pledgers=len(pledgers[cell]),
                totals=totals[cell].public(),
                by_kind={k: t.public() for k, t in sorted(by_kind[cell].items())},
                by_priority={p: t.public() for p, t in sorted(by_priority[cell].items())},
            )
        )
    return groups


def pledge_type_groups(
    pledges: Sequence[CountedPledge],
    *,
    total_hidden: bool,
    min_group_size: int,
    types: Sequence[str],
    label: Callable[[str], str],
) -> list[PledgeGroup]:
    """The pledge totals of the last release by how the pledgers take part (`types`, the
    last one standing for "not said"): one line under the dialogue's total, whose state
    (`total_hidden`) the pledge summary decided already."""
    pledgers: dict[str, set[str]] = defaultdict(set)
    for pledge in pledges:
        pledgers[pledge.participant_type or types[-1]].add(pledge.participant_id)
    counts = {kind: len(pledgers[kind]) for kind in types}
    hidden = set(types)  # under a hidden total, every part
    if not total_hidden:
        hidden = Lattice([Line(ALL, tuple(types))]).hidden(
            {**counts, ALL: sum(counts.values())},
            min_group_size=min_group_size,
            fixed_shown=[ALL],
        )
    groups = []
    for kind in types:
        head = {
            "key": "unknown" if kind == types[-1] else kind,
            "label": label(kind),
            "kind": "participantType",
        }
        if kind in hidden or not pledgers[kind]:
            reason = (
                SuppressedReason.PROTECTS_ANOTHER
                if counts[kind] >= min_group_size
                else SuppressedReason.TOO_FEW
            )
            groups.append(PledgeGroup(**head, suppressed=True, suppressed_reason=reason))
            continue
        mine = [p for p in pledges if (p.participant_type or types[-1]) == kind]
        totals, by_kind, by_priority = _Totals(), defaultdict(_Totals), defaultdict(_Totals)
        for pledge in mine:
            totals.add(pledge.hours_per_month)
            by_kind[pledge.kind].add(pledge.hours_per_month)
            if pledge.priority_id is not None:
                by_priority[str(pledge.priority_id)].add(pledge.hours_per_month)
        groups.append(
            PledgeGroup(
                **head,
                suppressed=False,
                pledgers=counts[kind],
                totals=totals.public(),
                by_kind={k: t.public() for k, t in sorted(by_kind.items())},
                by_priority={p: t.public() for p, t in sorted(by_priority.items())},
            )
        )
    return groups
