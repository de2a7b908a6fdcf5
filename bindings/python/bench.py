"""Benchmark (a script, not a test): crmc.Table against Rust (`crmc eval`)
on the same mutations, in one run, and the Spark replay against `crmc eval`.

    python bench.py [-n 200000] [--spark-n 1000000] [--unit examples/hot_lead_routing]

Run it with nothing else building (under the cargo lock on shared machines).
Prints decisions/s for: `crmc eval` on the file (Rust: parse, decide,
write), `decide_many` on the JSON strings (and its share of the Rust rate),
`decide_many` on dicts, `decide` on dicts and on strings, and (unless
--spark-n 0) Spark local[*] replay. Also `marshal.loads` of the same
decisions: CPython's fastest way to make that Python data from bytes,
deciding nothing, which bounds what any call returning plain dicts can
reach. Every rate counts freeing the returned data, as a caller pays it.
"""

import argparse
import gc
import json
import marshal
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "examples" / "spark_replay"))

import crmc  # noqa: E402


def rate(n, f, repeat=3):
    """Items/s of `f` (freeing what it returns included), the best of
    `repeat` runs: the machine is shared, the best run is the least
    disturbed one."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return n / best


def crmc_eval_rate(crmc_bin, table, path, n):
    def run():
        subprocess.run([crmc_bin, "eval", "-t", table, path], check=True,
                       stdout=subprocess.DEVNULL)
    return rate(n, run)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200_000)
    ap.add_argument("--spark-n", type=int, default=1_000_000)
    ap.add_argument("--unit", default=str(REPO / "examples" / "hot_lead_routing"))
    ap.add_argument("--crmc", default=str(REPO / "target" / "release" / "crmc"))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crmc-bench-"))
    table = str(tmp / "t.crmct")
    subprocess.run([a.crmc, "-q", "build", a.unit, "-o", table], check=True)
    gen = str(REPO / "examples" / "spark_replay" / "gen_mutations.py")
    path = str(tmp / "m.ndjson")
    subprocess.run([sys.executable, gen, "--unit", a.unit, "-n", str(a.n), "--out", path,
                    "--crmc", a.crmc], check=True)
    lines = Path(path).read_text().splitlines()
    dicts = []
    for line in lines:
        try:
            dicts.append(json.loads(line))
        except ValueError:
            pass
    t = crmc.Table.load(table)
    print(f"mutations: {len(lines)} from {a.unit}")
    rust = crmc_eval_rate(a.crmc, table, path, len(lines))
    print(f"crmc eval (Rust)          {rust:>12,.0f}/s")
    many = rate(len(lines), lambda: t.decide_many(lines))
    print(f"decide_many(JSON strings) {many:>12,.0f}/s ({many / rust:.0%} of Rust)")
    data = marshal.dumps(t.decide_many(lines))
    gc.disable()  # as decide_many does for its call
    floor = rate(len(lines), lambda: marshal.loads(data))
    gc.enable()
    js = rate(len(lines), lambda: t.decide_many_json(lines))
    print(f"decide_many_json(strings) {js:>12,.0f}/s ({js / rust:.0%} of Rust)")
    print(f"marshal.loads (no deciding) {floor:>10,.0f}/s ({floor / rust:.0%} of Rust)")
    print(f"decide_many(dicts)        {rate(len(dicts), lambda: t.decide_many(dicts)):>12,.0f}/s")
    few = dicts[:50_000]

    def one_by_one(items):
        for m in items:
            try:
                t.decide(m)
            except crmc.CrmcError:
                pass
    print(f"decide(dict)              {rate(len(few), lambda: one_by_one(few)):>12,.0f}/s")
    strs = [json.dumps(m) for m in few]
    print(f"decide(JSON string)       {rate(len(strs), lambda: one_by_one(strs)):>12,.0f}/s")
    if a.spark_n:
        from pyspark.sql import SparkSession

        import replay
        big = str(tmp / "big.ndjson")
        subprocess.run([sys.executable, gen, "--unit", a.unit, "-n", str(a.spark_n),
                        "--out", big, "--crmc", a.crmc], check=True)
        os.environ["PYSPARK_PYTHON"] = sys.executable
        spark = (SparkSession.builder.master("local[*]").appName("crmc-bench")
                 .config("spark.ui.enabled", "false")
                 .config("spark.driver.memory", "4g").getOrCreate())
        r = rate(a.spark_n, lambda: replay.replay(spark, table, big, str(tmp / "out")), repeat=1)
        spark.stop()
        print(f"crmc eval on {a.spark_n} (Rust)  {crmc_eval_rate(a.crmc, table, big, a.spark_n):>12,.0f}/s")
        print(f"Spark local[*] replay     {r:>12,.0f}/s (read, decide, write, summary)")


if __name__ == "__main__":
    main()
