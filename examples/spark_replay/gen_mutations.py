"""Generates N mutations for replay from a unit's `test` blocks.

    python gen_mutations.py --unit examples/hot_lead_routing -n 1000000 \
        --out mutations.ndjson [--parquet mutations.parquet] [--crmc PATH]

Each output line is one of the unit's test mutations (as `crmc test` runs
them) with an `id` (`m-<n>`) and some variation: confidence redrawn or
dropped, `at` moved, a record key dropped (incomplete input), and about
one line in a thousand malformed, so replay sees error lines too.
Deterministic for a given --seed.
"""

import argparse
import json
import random
import subprocess


def unit_mutations(crmc, unit):
    report = subprocess.run(
        [crmc, "test", "--format", "json", unit], check=True, capture_output=True, text=True
    )
    return [t["mutation"] for t in json.loads(report.stdout)["tests"]]


def vary(base, n, rng):
    m = json.loads(json.dumps(base))
    m = {"id": f"m-{n}", **m}
    r = rng.random()
    if r < 0.3:
        m["confidence"] = round(rng.random(), 3)
    elif r < 0.35:
        m.pop("confidence", None)
    if rng.random() < 0.2:
        m["at"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
    record = m.get("record")
    if isinstance(record, dict) and record and rng.random() < 0.1:
        record.pop(rng.choice(sorted(record)))
    return m


def lines(bases, count, seed):
    rng = random.Random(seed)
    for n in range(count):
        if rng.random() < 0.001:
            yield rng.choice(['{"object": "Lead"', "not json", '{"id": "m-%d"}' % n])
        else:
            yield json.dumps(vary(rng.choice(bases), n, rng), separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unit", required=True, help="a unit directory with test blocks")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--out", required=True, help="NDJSON file to write")
    ap.add_argument("--parquet", help="also write a Parquet file (one `mutation` column)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crmc", default="crmc", help="the crmc binary")
    a = ap.parse_args()
    bases = unit_mutations(a.crmc, a.unit)
    with open(a.out, "w") as f:
        for line in lines(bases, a.n, a.seed):
            f.write(line + "\n")
    if a.parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with open(a.out) as f:
            col = [line.rstrip("\n") for line in f]
        pq.write_table(pa.table({"mutation": col}), a.parquet)


if __name__ == "__main__":
    main()
