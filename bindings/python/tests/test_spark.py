"""examples/spark_replay in Spark local mode on generated mutations: every
decision equals the line `crmc eval` prints for the same input line, and
the summary counts what was decided."""

import json
import os
import subprocess
import sys
from collections import Counter

from conftest import REPO, build_table, crmc_bin

REPLAY = REPO / "examples" / "spark_replay"
sys.path.insert(0, str(REPLAY))


def test_spark_replay_equals_crmc_eval(tmp_path):
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    import replay

    unit = REPO / "examples" / "hot_lead_routing"
    table = build_table(unit, tmp_path / "t.crmct")
    ndjson = tmp_path / "m.ndjson"
    parquet = tmp_path / "m.parquet"
    subprocess.run(
        [sys.executable, str(REPLAY / "gen_mutations.py"), "--unit", str(unit), "-n", "3000",
         "--out", str(ndjson), "--parquet", str(parquet), "--crmc", crmc_bin(), "--seed", "7"],
        check=True,
    )
    out = subprocess.run(
        [crmc_bin(), "eval", "-t", str(table), str(ndjson)], check=True, capture_output=True
    )
    expected = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(expected) == 3000
    assert any("error" in e for e in expected)

    # The workers run this interpreter, which has crmc installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]").appName("crmc-replay-test")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        for source, name in ((ndjson, "ndjson"), (parquet, "parquet")):
            outdir = tmp_path / f"out-{name}"
            summary = replay.replay(spark, str(table), str(source), str(outdir))
            rows = pq.read_table(outdir / "decisions").to_pylist()
            got = {r["line"]: json.loads(r["decision"]) for r in rows}
            assert sorted(got) == list(range(1, 3001)), name
            for line, e in enumerate(expected, start=1):
                assert got[line] == e, (name, line)
            outcomes = Counter("error" if "error" in e else e["outcome"] for e in expected)
            assert summary["outcomes"] == dict(sorted(outcomes.items()))
            assert summary["mutations"] == 3000
            per = Counter(
                (v.get("contract"), f, v["outcome"])
                for e in expected if "error" not in e
                for f, v in e.get("fields", {}).items()
            )
            assert {(r["contract"], r["field"], r["outcome"]): r["count"]
                    for r in summary["fields"]} == dict(per)
            assert json.loads((outdir / "summary.json").read_text()) == summary
    finally:
        spark.stop()
