"""decide_many releases the GIL while it decides: another Python thread
keeps running during a large batch. (Counts, not times: without the
release the other thread cannot run a single bytecode while the batch is
decided, since the call runs no Python code of its own on a list.)"""

import json
import threading

import crmc


def test_other_thread_progresses_during_decide_many(example_tables):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    lines = [json.dumps(m) for m in mutations] * (400_000 // len(mutations))
    ticks = [0]
    stop = threading.Event()
    started = threading.Event()

    def count():
        started.set()
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=count)
    t.start()
    started.wait()
    before = ticks[0]
    out = table.decide_many(lines)
    during = ticks[0] - before
    stop.set()
    t.join()
    assert len(out) == len(lines)
    assert during > 1000, f"the other thread ran {during} loop iterations"
