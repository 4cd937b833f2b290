"""kill -9 the server under write load; after a restart nothing acknowledged is missing.

`configurator serve` (gunicorn, 2 workers × 4 threads) on the test database
(SQLite file in WAL mode with synchronous=FULL; PostgreSQL on the second pass of
scripts/test) takes saves from 20 API clients; after a random 1.5–3 s the whole
process group (master and workers) gets SIGKILL, mid-request. The server is
started again on the same database, takes the load again, and is killed again
(CRASH_ROUNDS rounds, default 2). Then:

* the engine's integrity check passes (SQLite ``PRAGMA integrity_check`` and
  ``foreign_key_check``; PostgreSQL amcheck's ``verify_heapam`` and
  ``bt_index_check`` on every table and index),
* every acknowledged save is there with the acknowledged content,
* no half-written save: each design's version is its last revision and its
  revision numbers have no gap (a save is one transaction: the design's UPDATE
  and the revision's INSERT commit together, configurator/store/designs.py),
* a revision nobody was told about is one of the requests cut off by the kill,
* and the restarted server answers a save on every design.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter

from tests.production.live import (
    Client,
    LiveServer,
    check_database,
    formula,
    join_clients,
    seed,
    start_clients,
)

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "2"))
USERS = 4


def test_kill_9_under_write_load_loses_no_acknowledged_save(db_url, tmp_path):
    seeded = seed(db_url, clients=20, users=USERS)
    server = LiveServer(db_url, tmp_path)
    rng = random.Random(9)
    everyone = []
    for n in range(ROUNDS):
        server.start()
        clients = start_clients(server.base, seeded, seconds=60, tag=f"r{n}")
        time.sleep(rng.uniform(1.5, 3.0))
        before = sum(len(c.acks) for c in clients)
        server.kill()  # SIGKILL to master and workers
        for c in clients:
            c.stop.set()
        join_clients(clients, 45)
        server.stop()
        everyone += clients
        assert before > 0, "no save was acknowledged before the kill: no load to crash under"
        assert any(c.unanswered_names for c in clients), "the kill cut no request off"

    server.start()  # up again on the same database, and it takes saves on every design
    probes = [Client(100 + i, server.base, seeded.tokens[i], seeded.shared[i], 0)
              for i in range(USERS)]
    try:
        for probe in probes:
            for design in probe.shared:
                status, body = probe.request("GET", f"/api/v1/designs/{design}")
                assert status == 200, body
                name = f"after-{design}"
                status, body = probe.request("PUT", f"/api/v1/designs/{design}",
                                             {"formula": formula(name, 1),
                                              "revision": body["revision"]})
                assert status == 200, body
                probe._ack(body, name)
            assert not probe.errors, probe.errors
    finally:
        server.stop()
    log = server.tail(60)
    out = check_database(db_url, everyone + probes, seeded, crashed=True)
    assert not out.problems, "\n".join(out.problems[:30]) + "\n--- server log ---\n" + log
    print(f"\n{ROUNDS} kill -9 rounds: {out.acks} saves acknowledged, {out.unanswered} requests "
          f"cut off, {out.revisions} revisions of {out.designs} designs, integrity ok; how the "
          f"requests were cut off: {dict(Counter(e.split(':')[0] for c in everyone for e in c.unanswered))}")
