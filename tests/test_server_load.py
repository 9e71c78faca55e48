"""Load on a committee's server (issue 15): 20 secretaries' clients save meetings and attendance at
once for 60 s. Every save either lands or is refused as a stale version (then retried on the newer
one); no save is lost, and a deadlock or serialization failure is retried, never left unhandled."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from models.db import open_database
from models.entities import Member
from models.enums import AttendanceStatus, MeetingType
from models.meeting_data import AttendanceInput, MeetingChangedError
from models.meetings import MeetingInput, create_meeting, get_meeting, update_meeting
from models.roster import create_branch
from tests.models.factories import member

CLIENTS, SECONDS, MEETINGS = 20, 60, 4


@pytest.mark.slow
def test_twenty_clients_for_a_minute_lose_no_update(pg_url: str) -> None:
    db = open_database(pg_url)
    with db.transaction() as s:
        branch = create_branch(s, "压力测试党支部", "", date(2001, 7, 1))
        people = [member(s, branch, f"党员{i}") for i in range(8)]
        meetings = [create_meeting(s, branch, MeetingInput(MeetingType.OTHER, f"会议{i}", date(2026, 3, 1 + i),
                                                           attendance=[AttendanceInput(p) for p in people]))
                    for i in range(MEETINGS)]
    landed: list[tuple[int, str]] = []  # (meeting, token) of every save that committed
    counts: Counter[str] = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(n: int) -> None:
        rng = random.Random(n)
        saves = 0
        try:
            while time.monotonic() < stop:
                mid = rng.choice(meetings)
                with db.reading() as s:
                    detail = get_meeting(s, mid)
                data = detail.to_input()
                data.expected_version = detail.version  # as the editor sends it
                token = f"[{n}-{saves}]"
                data.minutes = detail.minutes + token
                changed = rng.randrange(len(data.attendance))
                data.attendance[changed].status = rng.choice([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT])
                try:
                    with db.transaction() as s:
                        update_meeting(s, mid, data)
                except MeetingChangedError:
                    with lock:
                        counts["stale"] += 1
                    continue
                except DBAPIError as exc:
                    text = str(exc.orig).lower()
                    if "deadlock" in text or "could not serialize" in text:
                        with lock:
                            counts["deadlock"] += 1
                        continue
                    raise
                saves += 1
                with lock:
                    landed.append((mid, token))
                    counts["saved"] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below, with the others
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 60)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert failures == [], failures[:3]
    try:
        with db.reading() as s:
            final = {mid: get_meeting(s, mid) for mid in meetings}
            assert s.scalar(select(Member.id).limit(1)) is not None
    finally:
        db.close()
    assert counts["saved"] > CLIENTS, counts  # the clients did get work done
    for mid, token in landed:  # no lost update: every committed save's text is in the final version
        assert token in final[mid].minutes, (mid, token)
    assert sum(d.version - 1 for d in final.values()) == counts["saved"]
    print(f"load: {dict(counts)}")
