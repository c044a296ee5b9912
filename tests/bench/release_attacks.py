"""Issue 9's attacks on the results (points 1–3), replayed over HTTP against a served checkout.

    .venv/bin/python -m tests.bench.release_attacks                      # this checkout
    .venv/bin/python -m tests.bench.release_attacks --code /path/to/old  # another checkout

A fresh SQLite database with the demo (an open poster-mode session, WVSTAD), served on
127.0.0.1 by the checkout given, with its default refresh interval. Then, as an attacker:
1. ten residents vote; once the room shows results, an eleventh votes with a known ranking.
   Compare the public room view with the analyst's groupBy=session view, and read the
   eleventh ballot's first choice from their difference; five more vote, and the room's
   two views before and after are compared the same way;
2. an analyst reads groupBy=neighbourhood, ageBand and session, one resident votes (with a
   buurt and an age band), the analyst reads again: which groups moved, and by how much;
3. empty groups against small ones: which buurten the neighbourhood breakdown lists.
Waits are bounded: a view that does not change within --wait seconds is read as it is.
"""

import argparse
import random
import tempfile
import time
from pathlib import Path

import httpx

from tests.bench.poster_flood import JOIN_CODE, start_server, stop

ANALYST = ("analist@welvaartstad.example", "demo-analist-welvaartstad")


def first_choices(group: dict) -> dict[int, float]:
    """Each priority's number of first choices in a shown group."""
    return {p["id"]: p["firstChoiceShare"] * group["ballots"] for p in group["priorities"]}


class Attacker:
    def __init__(self, port: int, wait: float) -> None:
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=30)
        self.wait = wait
        token = self.http.post(
            "/auth/token", data={"username": ANALYST[0], "password": ANALYST[1]}
        ).json()["access_token"]
        self.analyst = {"Authorization": f"Bearer {token}"}
        self.rng = random.Random(9)

    def vote(self, *, ranking_from_first: int | None = None, buurt: str | None = None,
             band: str | None = None) -> dict:  # fmt: skip
        checked_in = self.http.post("/check-ins", json={"joinCode": JOIN_CODE}).json()
        priorities = [p["id"] for p in checked_in["priorities"]]
        self.session_id = checked_in["session"]["id"]
        self.dialogue_id = checked_in["session"]["dialogueId"]
        self.priorities = priorities
        ranking = self.rng.sample(priorities, 3)
        if ranking_from_first is not None:
            ranking = [ranking_from_first, *[p for p in ranking if p != ranking_from_first][:2]]
        body = {"ranking": ranking}
        if buurt:
            body["neighbourhoodCode"] = buurt
        if band:
            body["ageBand"] = band
        answer = self.http.put(
            f"/sessions/{self.session_id}/ballot",
            json=body,
            headers={"Authorization": f"Bearer {checked_in['participantToken']}"},
        )
        answer.raise_for_status()
        return body

    def room(self) -> dict:
        return self.http.get(f"/sessions/{self.session_id}/results").json()

    def staff(self, group_by: str) -> dict:
        return self.http.get(
            f"/dialogues/{self.dialogue_id}/results",
            params={"groupBy": group_by},
            headers=self.analyst,
        ).json()

    def room_group(self, document: dict) -> dict | None:
        return next((g for g in document["groups"] if g["key"] == str(self.session_id)), None)

    def until(self, read, done) -> dict:
        """Read until `done(document)`, or for --wait seconds at most."""
        deadline = time.monotonic() + self.wait
        document = read()
        while not done(document) and time.monotonic() < deadline:
            time.sleep(0.25)
            document = read()
        return document


def attack_one(attacker: Attacker) -> list[str]:
    lines = []
    for _ in range(10):
        attacker.vote()
    room = attacker.until(attacker.room, lambda d: d["totalBallots"] == 10)
    lines.append(f"  room shows {room['totalBallots']} ballots after ten votes")
    target = attacker.priorities[-1]
    attacker.vote(ranking_from_first=target)
    staff = attacker.until(
        lambda: attacker.staff("session"),
        lambda d: (attacker.room_group(d) or {}).get("ballots") == 11,
    )
    room, staff_group = attacker.room(), attacker.room_group(staff)
    public_group = room["groups"][0]
    lines.append(
        f"  eleventh vote (first choice {target}): room view {public_group['ballots']} ballots, "
        f"analyst's session group {staff_group['ballots']} ballots"
    )
    if public_group["ballots"] and staff_group["ballots"]:
        difference = {
            p: round(first_choices(staff_group)[p] - n)
            for p, n in first_choices(public_group).items()
        }
        moved = {p: d for p, d in difference.items() if d}
        lines.append(
            f"  analyst − room: {staff_group['ballots'] - public_group['ballots']} ballot(s); "
            f"first choices moved {moved or 'nowhere'}"
            + (f" → the eleventh ballot's first choice read back: {moved == {target: 1}}")
        )
    before = first_choices(public_group) if public_group["ballots"] else None
    for _ in range(4):
        attacker.vote()
    after = attacker.until(attacker.room, lambda d: d["totalBallots"] not in (None, 10, 11))
    group = after["groups"][0]
    lines.append(f"  after 15 votes the room shows {group['ballots']} ballots")
    if before and group["ballots"] and group["ballots"] != public_group["ballots"]:
        moved = group["ballots"] - public_group["ballots"]
        lines.append(f"  two room views differ by {moved} ballot(s) (each must be 0 or ≥ 10)")
    return lines


def attack_two(attacker: Attacker) -> list[str]:
    views = ("neighbourhood", "ageBand", "session")
    before = {v: attacker.staff(v) for v in views}
    attacker.vote(buurt="BU99990101", band="25-44")
    target_total = (before["session"]["totalBallots"] or 0) + 1
    attacker.until(lambda: attacker.staff("dialogue"), lambda d: d["totalBallots"] == target_total)
    after = {v: attacker.staff(v) for v in views}
    lines = []
    for view in views:
        old = {g["key"]: g["ballots"] for g in before[view]["groups"]}
        moved = {
            g["key"]: (old.get(g["key"]), g["ballots"])
            for g in after[view]["groups"]
            if old.get(g["key"]) != g["ballots"]
        }
        lines.append(f"  groupBy={view}: groups that changed after one vote: {moved or 'none'}")
    return lines


def attack_three(attacker: Attacker) -> list[str]:
    groups = attacker.staff("neighbourhood")["groups"]
    buurten = [g for g in groups if g["kind"] == "buurt"]
    hidden = [g["key"] for g in buurten if g["suppressed"]]
    return [
        f"  buurten listed: {len(buurten)} (the demo has 6); suppressed: {hidden}; "
        f"reasons: {sorted({str(g.get('suppressedReason')) for g in buurten if g['suppressed']})}"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--wait", type=float, default=12, help="longest wait for a view (≤ 60)")
    args = parser.parse_args()
    args.wait = min(args.wait, 60)
    with tempfile.TemporaryDirectory(prefix="wg-attacks-") as workdir:
        server, port = start_server(args.code, Path(workdir))
        try:
            attacker = Attacker(port, args.wait)
            print(f"Results attacks against {args.code}")
            print("1. room snapshot against the analyst's view")
            print("\n".join(attack_one(attacker)))
            print("2. polling every breakdown around one vote")
            print("\n".join(attack_two(attacker)))
            print("3. empty against small groups")
            print("\n".join(attack_three(attacker)))
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
