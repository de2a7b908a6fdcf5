"""decide_many releases the GIL while it decides: another Python thread
runs during a large batch. With a huge switch interval the GIL changes hands
only when a thread gives it up (the counter below does at every step; the
batch call only through its release), so without the release the counter
makes no step at all during the call: a count, not a time."""

import json
import sys
import threading
import time

import crmc


def test_other_thread_progresses_during_decide_many(example_tables):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    lines = [json.dumps(m) for m in mutations] * (100_000 // len(mutations))
    ticks = [0]
    stop = threading.Event()
    started = threading.Event()

    def count():
        started.set()
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0)  # gives up the GIL

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=count)
        t.start()
        started.wait()
        before = ticks[0]
        out = table.decide_many(lines)
        during = ticks[0] - before
        stop.set()
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert len(out) == len(lines)
    assert during > 0, "no other thread ran while decide_many decided"
