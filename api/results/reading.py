"""Reading the published release: result documents, the room view, pledge totals, trends."""

import gzip
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from cachetools import LRUCache
from sqlalchemy import select, tuple_
from sqlmodel import Session

from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities.models import Municipality
from api.results import store
from api.results.aggregation import TallyBatch, summarise
from api.results.cells import ReleaseView, hidden_cells, release_view
from api.results.layout import (
    Cell,
    DialogueLayout,
    dialogue_layout,
    is_municipality,
    min_group_size_of,
    session_key,
)
from api.results.models import ALL, NOT_GIVEN, CountedPledge, GroupBy, GroupTally, ResultState
from api.results.pledge_summary import pledge_groups, pledge_type_groups, pledger_counts
from api.results.schemas import (
    DialogueResultsPage,
    GroupResult,
    PledgeSummary,
    PriorityLabel,
    PriorityResult,
    PublicRanking,
    Results,
    SuppressedReason,
    Trend,
    TrendPoint,
)
from api.results.splits import TYPES, WHOLE, Key, SplitView, life_satisfaction, split_view
from api.sessions import service as sessions
from api.sessions.models import DialogueSession

_LABELS_NL = {
    "library": "Bibliotheek",
    "youth_centre": "Jongerencentrum",
    "community_centre": "Buurthuis",
    "other": "Andere plek",
}


# Computed result documents per release, so warm reads cost a lookup. The key holds the
# release (version and refresh time) and the minimum group size, so an entry of an older
# release is never read again; the LRU bound drops it.
_CACHE: LRUCache[tuple, tuple[Results, bytes, bytes]] = LRUCache(maxsize=256)
_CACHE_LOCK = threading.Lock()

GroupKey = TypeVar("GroupKey", bound=Hashable)


def _group_results(
    rows: Sequence[tuple[GroupKey, np.ndarray | None, bool]],
    layout: DialogueLayout,
    *,
    labels: Mapping[GroupKey, tuple[str, str, str | None]],
    min_group_size: int,
    key_of: Callable[[GroupKey, str], str],
) -> list[GroupResult]:
    """Groups from cells (or split keys): (cell, its tally or None when it has no ballots,
    hidden)."""
    shown = [(cell, values) for cell, values, hidden in rows if not hidden and values is not None]
    summaries = {}
    if shown:
        batch = TallyBatch(m=layout.m, values=np.stack([values for _, values in shown]))
        summaries = dict(zip((cell for cell, _ in shown), summarise(batch), strict=True))
    groups = []
    for cell, values, _hidden in rows:
        label, kind, parent = labels[cell]
        key = key_of(cell, kind)
        if cell not in summaries:
            count = 0 if values is None else int(values[0])
            reason = (
                SuppressedReason.PROTECTS_ANOTHER
                if count >= min_group_size
                else SuppressedReason.TOO_FEW
            )
            groups.append(
                GroupResult(
                    key=key, label=label, kind=kind, parent=parent, ballots=None, suppressed=True,
                    suppressed_reason=reason,
                )
            )  # fmt: skip
            continue
        summary = summaries[cell]
        groups.append(
            GroupResult(
                key=key,
                label=label,
                kind=kind,
                parent=parent,
                ballots=summary.ballot_count,
                suppressed=False,
                priorities=[
                    PriorityResult(
                        id=layout.priority_ids[p.priority_index],
                        score=p.score,
                        score_low=p.score_low,
                        score_high=p.score_high,
                        first_choice_share=p.first_choice_share,
                        top_three_share=p.top_three_share,
                        mean_rank=p.mean_rank,
                        schulze_rank=p.schulze_rank,
                    )
                    for p in summary.priorities or []
                ],
            )
        )
    return groups


def _group_key(cell: Cell, kind: str) -> str:
    n, v, a = cell
    if kind in ("buurt", "wijk"):
        return n
    if kind == "session":
        return v[1:]
    if kind in ("venueKind", "municipality"):
        return v
    if kind == "ageBand":
        return "unknown" if a == NOT_GIVEN else a
    if kind == "unknown":
        return "unknown"
    return "dialogue"


def _breakdown_cells(
    layout: DialogueLayout, group_by: GroupBy, venue_kind: str | None, age_band: str | None
) -> list[Cell]:
    """Every group of a breakdown, the empty ones too: empty and small groups look the same."""
    venue, band = venue_kind or ALL, age_band or ALL
    total: Cell = (ALL, venue, band)
    if group_by is GroupBy.NEIGHBOURHOOD:
        places = [
            *layout.buurten_by_wijk,
            *(b for buurten in layout.buurten_by_wijk.values() for b in buurten),
            NOT_GIVEN,
        ]
        return [total, *((place, venue, band) for place in places)]
    if group_by is GroupBy.VENUE_KIND:
        return [total, *((ALL, kind, band) for kind in sorted(layout.session_ids_by_kind))]
    if group_by is GroupBy.SESSION:
        rooms = (
            layout.session_ids_by_kind.get(venue_kind, ())
            if venue_kind
            else sorted(layout.session_kind)
        )
        return [total, *((ALL, session_key(s), band) for s in rooms)]
    if group_by is GroupBy.AGE_BAND:
        return [total, *((ALL, venue, b) for b in (*layout.age_bands, NOT_GIVEN))]
    if group_by is GroupBy.MUNICIPALITY:
        return [total, *((ALL, code, ALL) for code in layout.municipalities)]
    return [total]


def _released_cells(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    cells: Sequence[Cell],
    final: bool,
) -> list[tuple[Cell, np.ndarray | None, bool]]:
    """These cells as the release shows them: (cell, tally or None if empty, hidden)."""
    found = {
        (n, v, a): (store.from_blob(blob, layout.m), hidden)
        for n, v, a, blob, hidden in db.execute(
            select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally, GroupTally.suppressed)
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band).in_(cells))
        )
    }  # fmt: skip
    hidden_now = _hidden_if_flags_stale(
        db, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
        final=final,
    )  # fmt: skip
    rows: list[tuple[Cell, np.ndarray | None, bool]] = []
    for cell in cells:
        if cell not in found:
            rows.append((cell, None, True))
            continue
        values, hidden = found[cell]
        rows.append((cell, values, cell in hidden_now if hidden_now is not None else hidden))
    return rows


def _with_presence(db: Session, groups: list[GroupResult]) -> list[GroupResult]:
    """Session groups say whether presence was verified for their ballots."""
    verified = sessions.presence_verified_by_session(
        db, session_ids=[int(g.key) for g in groups if g.kind == "session"]
    )
    return [
        g.model_copy(update={"presence_verified": verified.get(int(g.key))})
        if g.kind == "session"
        else g
        for g in groups
    ]


def _unshown(groups: list[GroupResult]) -> int | None:
    """Ballots of the total in no shown group: the total minus every shown outermost group."""
    total = next((g for g in groups if g.kind == "dialogue"), None)
    if total is None or total.ballots is None:
        return None
    shown = {g.key for g in groups if not g.suppressed}
    covered = sum(
        g.ballots or 0
        for g in groups
        if not g.suppressed and g.kind != "dialogue" and g.parent not in shown
    )
    return total.ballots - covered


def dialogue_results(
    db: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None = None,
    age_band: str | None = None,
) -> Results:
    """A dialogue's results broken down by `group_by`, with small groups suppressed."""
    return _cached_results(
        db, dialogue=dialogue, group_by=group_by, venue_kind=venue_kind, age_band=age_band
    )[0]


def dialogue_results_json(
    db: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None = None,
    age_band: str | None = None,
    gzipped: bool = False,
) -> bytes:
    """The same results as JSON (or gzipped JSON), made once per version of the numbers."""
    entry = _cached_results(
        db, dialogue=dialogue, group_by=group_by, venue_kind=venue_kind, age_band=age_band
    )
    return entry[2] if gzipped else entry[1]


def _cached_results(
    db: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None,
    age_band: str | None,
) -> tuple[Results, bytes, bytes]:
    if group_by is GroupBy.PARTICIPANT_TYPE and (venue_kind or age_band):
        raise InvalidInput(
            "Results by participantType are of the whole dialogue: leave out venueKind and "
            "ageBand.",
            nl="Uitkomsten per participantType gaan over de hele dialoog: laat venueKind en "
            "ageBand weg.",
            invalid_params=[
                (
                    "venueKind" if venue_kind else "ageBand",
                    "not with groupBy=participantType",
                    "niet met groupBy=participantType",
                )
            ],  # fmt: skip
        )
    if group_by is GroupBy.VENUE_KIND and venue_kind:
        raise InvalidInput(
            "Filtering on venueKind while grouping by it shows one group; leave one out.",
            nl="Filteren op venueKind en tegelijk groeperen op venueKind geeft één groep; laat "
            "een van de twee weg.",
            invalid_params=[
                ("venueKind", "not with groupBy=venueKind", "niet met groupBy=venueKind")
            ],
        )
    if group_by is GroupBy.MUNICIPALITY and (venue_kind or age_band):
        raise InvalidInput(
            "The breakdown by municipality is published for the whole dialogue only: leave "
            "out venueKind and ageBand.",
            nl="De uitsplitsing per gemeente wordt alleen voor de hele dialoog gepubliceerd: "
            "laat venueKind en ageBand weg.",
            invalid_params=[
                ("groupBy", "not with a filter", "niet met een filter"),
            ],
        )
    if group_by is GroupBy.AGE_BAND and age_band:
        raise InvalidInput(
            "Filtering on ageBand while grouping by it shows one group; leave one out.",
            nl="Filteren op ageBand en tegelijk groeperen op ageBand geeft één groep; laat een "
            "van de twee weg.",
            invalid_params=[("ageBand", "not with groupBy=ageBand", "niet met groupBy=ageBand")],
        )
    state = db.get(ResultState, dialogue.id)
    version = state.version if state else 0
    min_group_size = min_group_size_of(db, dialogue)
    # The minimum group size is part of the key: raising it must hide groups at once. So is
    # the state's refresh time: a recreated state starts its versions again.
    refreshed_at = state.refreshed_at if state else None
    cache_key = (
        dialogue.id, version, refreshed_at, min_group_size, group_by, venue_kind, age_band
    )  # fmt: skip
    with _CACHE_LOCK:
        cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    final = state is not None and state.final_at is not None
    by_type = group_by is GroupBy.PARTICIPANT_TYPE
    if by_type and not final:
        raise Conflict(
            f"Results by participantType are published once the dialogue has ended (after "
            f"{dialogue.ends_on:%Y-%m-%d}), from its last release: like the filtered views, a "
            "split taken while ballots still come in could show one person's answer.",
            nl=f"Uitkomsten per participantType worden gepubliceerd als de dialoog voorbij is "
            f"(na {dialogue.ends_on:%Y-%m-%d}), uit de laatste stand: net als bij de "
            "gefilterde overzichten zou een uitsplitsing terwijl er nog stemmen binnenkomen het "
            "antwoord van één persoon kunnen laten zien.",
            kind="filtered-results-after-end",
        )
    if (venue_kind or age_band) and not final:
        raise Conflict(
            f"Results filtered by venueKind or ageBand are published once the dialogue has "
            f"ended (after {dialogue.ends_on:%Y-%m-%d}): while ballots still come in, two "
            "filtered views taken at different times could show one person's answer.",
            nl=f"Uitkomsten gefilterd op venueKind of ageBand worden gepubliceerd als de dialoog "
            f"voorbij is (na {dialogue.ends_on:%Y-%m-%d}): zolang er nog stemmen binnenkomen, "
            "kunnen twee gefilterde overzichten van verschillende momenten samen het antwoord "
            "van één persoon laten zien.",
            kind="filtered-results-after-end",
        )
    layout = dialogue_layout(db, dialogue=dialogue)
    splits = (
        split_view(
            db, dialogue_id=dialogue.id, layout=layout, min_group_size=min_group_size,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            release=(version, refreshed_at),
        )
        if final
        else None
    )  # fmt: skip
    if by_type:
        assert splits is not None
        groups = _type_groups(splits, dialogue, layout, min_group_size=min_group_size)
    else:
        cells = _breakdown_cells(layout, group_by, venue_kind, age_band)
        rows = _released_cells(
            db,
            dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            layout=layout,
            min_group_size=min_group_size,
            cells=cells,
            final=final,
        )
        label = _labels(dialogue, layout, venue=venue_kind or ALL, band=age_band or ALL)
        labels = {cell: label(cell) for cell in cells}
        ordered = sorted(rows, key=lambda row: _order(row[0], *labels[row[0]][1:]))
        groups = _group_results(
            ordered, layout, labels=labels, min_group_size=min_group_size, key_of=_group_key
        )
        if splits is not None:
            groups = [
                group.model_copy(update={"life_satisfaction": life_satisfaction(splits, row[0])})
                for group, row in zip(groups, ordered, strict=True)
            ]
    groups = _with_presence(db, groups)
    total = groups[0]
    results = Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        group_by=group_by,
        venue_kind=venue_kind,
        age_band=age_band,
        min_group_size=min_group_size,
        total_ballots=total.ballots,
        unshown_ballots=_unshown(groups),
        version=version,
        refreshed_at=state.refreshed_at if state else utcnow(),
        priorities=_priority_labels(db, dialogue_id=dialogue.id),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        groups=groups,
    )
    document = results.model_dump_json(by_alias=True).encode()
    entry = (results, document, gzip.compress(document, compresslevel=6))
    with _CACHE_LOCK:
        _CACHE[cache_key] = entry
    return entry


def _type_groups(
    splits: SplitView, dialogue: Dialogue, layout: DialogueLayout, *, min_group_size: int
) -> list[GroupResult]:
    """The dialogue's ballots by how people take part, from the split of the final release."""
    total: Cell = (ALL, ALL, ALL)
    keys = [(total, WHOLE), *((total, (kind, ALL)) for kind in TYPES)]
    labels = {keys[0]: _labels(dialogue, layout, venue=ALL, band=ALL)(total)}
    for key in keys[1:]:
        labels[key] = (_TYPE_LABELS_NL[key[1][0]], "participantType", None)
    rows = [(key, splits.tallies.get(key), key in splits.hidden) for key in keys]

    def key_of(key: Key, kind: str) -> str:
        if kind == "participantType":
            return "unknown" if key[1][0] == NOT_GIVEN else key[1][0]
        return "dialogue"

    groups = _group_results(
        rows, layout, labels=labels, min_group_size=min_group_size, key_of=key_of
    )
    return [
        group.model_copy(update={"life_satisfaction": life_satisfaction(splits, total, key[1][0])})
        for group, key in zip(groups, keys, strict=True)
    ]


def _hidden_if_flags_stale(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
) -> set[Cell] | None:
    """The cells to hide now, if the stored flags were decided with a smaller minimum group
    size (the municipality raised it since the last refresh); None if the flags hold."""
    shown_small = db.execute(
        select(GroupTally.ballots)
        .where(GroupTally.dialogue_id == dialogue_id)
        .where(GroupTally.suppressed.is_(False))  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
        .where(GroupTally.ballots < min_group_size)
        .limit(1)
    ).first()
    if shown_small is None:
        return None
    counts = {
        (n, v, a): count
        for n, v, a, count in db.execute(
            select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.ballots)
            .where(GroupTally.dialogue_id == dialogue_id)
        )
    }  # fmt: skip
    return hidden_cells(counts, layout, min_group_size=min_group_size, final=final)


def _priority_labels(db: Session, *, dialogue_id: int) -> list[PriorityLabel]:
    return [
        PriorityLabel(id=p.id, title=p.title, theme_key=p.theme_key, sdgs=p.sdgs)
        for p in dialogues.priorities_public(db, dialogue_id=dialogue_id)
    ]


def _labels(dialogue: Dialogue, layout: DialogueLayout, *, venue: str, band: str):
    """Label, kind and parent of each cell, relative to the filters of the request."""
    wijk_of = {code: layout.wijk_code[i] for i, code in layout.buurt_code.items()}
    session_names = {session_key(s): label for s, label in layout.session_labels.items()}

    def label(cell: Cell) -> tuple[str, str, str | None]:
        n, v, a = cell
        if n == NOT_GIVEN:
            return "Niet opgegeven", "unknown", None
        if n != ALL:
            kind = "buurt" if n.startswith("BU") else "wijk"
            return layout.place_names.get(n, n), kind, wijk_of.get(n)
        if (v, a) == (venue, band):
            return dialogue.title, "dialogue", None
        if v.startswith("s"):
            return session_names.get(v, v), "session", None
        if is_municipality(v):
            return layout.municipality_names.get(v, v), "municipality", None
        if v != venue:
            return _LABELS_NL.get(v, v), "venueKind", None
        return ("Leeftijd niet opgegeven" if a == NOT_GIVEN else f"{a} jaar"), "ageBand", None

    return label


_KIND_ORDER = {
    "dialogue": 0,
    "wijk": 1,
    "buurt": 1,
    "venueKind": 1,
    "ageBand": 1,
    "session": 1,
    "participantType": 1,
    "municipality": 1,
    "unknown": 2,
}
_TYPE_LABELS_NL = {
    "resident": "Bewoners",
    "business": "Ondernemers en bedrijven",
    "organisation": "Organisaties",
    "youth": "Jongeren",
    NOT_GIVEN: "Niet opgegeven",
}


def _order(cell: Cell, kind: str, parent: str | None) -> tuple:
    if kind in ("wijk", "buurt"):
        return (_KIND_ORDER[kind], parent or cell[0], kind != "wijk", cell[0])
    return (_KIND_ORDER[kind], cell[1], cell[2], "")


def pledges_summary(db: Session, *, dialogue: Dialogue, group_by: GroupBy) -> PledgeSummary:
    """Pledge totals per group of the released pledges, small groups suppressed."""
    layout = dialogue_layout(db, dialogue=dialogue)
    minimum = min_group_size_of(db, dialogue)
    released = store.released_pledges(db, dialogue_id=dialogue.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    view = release_view(pledger_counts(released, layout), layout, min_group_size=minimum)
    if group_by is GroupBy.PARTICIPANT_TYPE:
        return _pledges_by_type(db, dialogue=dialogue, released=released, view=view,
                                min_group_size=minimum)  # fmt: skip
    return PledgeSummary(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        group_by=group_by,
        min_group_size=minimum,
        groups=pledge_groups(
            released,
            store.released_offers(db, dialogue_id=dialogue.id),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            layout,
            cells=_breakdown_cells(layout, group_by, None, None),
            view=view,
            min_group_size=minimum,
            label=_labels(dialogue, layout, venue=ALL, band=ALL),
            key_of=_group_key,
        ),
    )


def _pledges_by_type(
    db: Session,
    *,
    dialogue: Dialogue,
    released: Sequence[CountedPledge],
    view: ReleaseView,
    min_group_size: int,
) -> PledgeSummary:
    """Pledge totals by how the pledgers take part: from the last release, like the results."""
    state = db.get(ResultState, dialogue.id)
    if state is None or state.final_at is None:
        raise Conflict(
            f"Pledge totals by participantType are published once the dialogue has ended "
            f"(after {dialogue.ends_on:%Y-%m-%d}).",
            nl=f"Toezeggingen per participantType worden gepubliceerd als de dialoog voorbij is "
            f"(na {dialogue.ends_on:%Y-%m-%d}).",
            kind="filtered-results-after-end",
        )
    total: Cell = (ALL, ALL, ALL)
    whole = pledge_groups(
        released,
        store.released_offers(db, dialogue_id=dialogue.id),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        dialogue_layout(db, dialogue=dialogue),
        cells=[total],
        view=view,
        min_group_size=min_group_size,
        label=lambda cell: (dialogue.title, "dialogue", None),
        key_of=_group_key,
    )
    return PledgeSummary(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        group_by=GroupBy.PARTICIPANT_TYPE,
        min_group_size=min_group_size,
        groups=[
            *whole,
            *pledge_type_groups(
                released,
                total_hidden=whole[0].suppressed,
                min_group_size=min_group_size,
                types=TYPES,
                label=_TYPE_LABELS_NL.__getitem__,
            ),
        ],
    )


def session_results(db: Session, *, row: DialogueSession) -> Results:
    """The room's view of a session: its cell of the dialogue's release, suppressed as there."""
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    min_group_size = min_group_size_of(db, dialogue)
    layout = dialogue_layout(db, dialogue=dialogue)
    cell = (ALL, session_key(row.id), ALL)
    state = db.get(ResultState, dialogue.id)
    rows = _released_cells(
        db,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        layout=layout,
        min_group_size=min_group_size,
        cells=[cell],
        final=state is not None and state.final_at is not None,
    )
    labels = {cell: (row.title or "", "session", None)}
    (group,) = _with_presence(
        db,
        _group_results(
            rows, layout, labels=labels, min_group_size=min_group_size, key_of=_group_key
        ),
    )
    return Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        group_by=GroupBy.SESSION,
        min_group_size=min_group_size,
        total_ballots=group.ballots,
        version=state.version if state else 0,
        refreshed_at=state.refreshed_at if state else row.created_at,
        priorities=_priority_labels(db, dialogue_id=dialogue.id),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        groups=[group.model_copy(update={"key": str(row.id)})],
    )


def dialogue_page(db: Session, *, dialogue: Dialogue) -> DialogueResultsPage:
    """The public page of a dialogue: its question and period, and the overall ranking of the
    released results only (the whole dialogue's group, no breakdown)."""
    municipality = db.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    results = dialogue_results(db, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
    total = results.groups[0] if results.groups else None
    shown = total is not None and not total.suppressed and total.priorities is not None
    state = db.get(ResultState, dialogue.id)
    return DialogueResultsPage(
        id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        title=dialogue.title,
        question=dialogue.description,
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
        municipality=municipality.cbs_code,
        municipality_name=municipality.name,
        brand_colour=municipality.brand_colour,
        min_group_size=results.min_group_size,
        final=state is not None and state.final_at is not None,
        ballots=total.ballots if shown else None,  # type: ignore[union-attr]  # shown implies total is not None
        version=results.version,
        refreshed_at=results.refreshed_at if state else None,
        priorities=results.priorities,
        ranking=sorted(
            (
                PublicRanking(
                    id=p.id, schulze_rank=p.schulze_rank, score=p.score, mean_rank=p.mean_rank
                )
                for p in total.priorities  # type: ignore[union-attr]  # only read when shown: total and its priorities are set
            ),
            key=lambda p: (p.schulze_rank, -p.score),
        )
        if shown
        else None,
    )


def trends(db: Session, *, municipality: Municipality) -> list[Trend]:
    """Every priority title's total score per dialogue of the municipality, oldest first."""
    rows = (
        db.execute(
            select(Dialogue)
            .where(Dialogue.municipality_id == municipality.id)
            .order_by(Dialogue.starts_on)
        )
        .scalars()
        .all()
    )
    series: dict[str, Trend] = {}
    for dialogue in rows:
        results = dialogue_results(db, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
        total = results.groups[0] if results.groups else None
        figures = (
            {p.id: p for p in (total.priorities or [])} if total and not total.suppressed else {}
        )
        for label in results.priorities:
            key = label.title.strip().casefold()
            trend = series.setdefault(
                key, Trend(title=label.title, theme_key=label.theme_key, points=[])
            )
            figure = figures.get(label.id)
            trend.points.append(
                TrendPoint(
                    dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
                    dialogue_title=dialogue.title,
                    starts_on=dialogue.starts_on,
                    ballots=total.ballots if total and not total.suppressed else None,
                    suppressed=figure is None,
                    score=figure.score if figure else None,
                    score_low=figure.score_low if figure else None,
                    score_high=figure.score_high if figure else None,
                )
            )
    return sorted(series.values(), key=lambda t: t.title.casefold())
