"""Replays proposed writes against a crmc decision table on Spark.

    spark-submit --master 'local[*]' replay.py --table contracts.crmct \
        --input mutations.ndjson --output out/

Reads mutations (NDJSON, one per line, or Parquet with a string column
`mutation` holding each one's JSON), decides each with `crmc.Table` inside
`mapInPandas` (the table file is shipped with `SparkContext.addFile` and
loaded once per Python worker), and writes:

- OUTPUT/decisions: Parquet, one row per input line: `line` (1-based input
  position), `id`, `outcome` (the decision's, or `error`), `decision` (the
  line `crmc eval` prints for it, as JSON text);
- OUTPUT/summary.json: outcomes overall and per (contract, field).
"""

import argparse
import json
import os

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType, LongType, StringType, StructField, StructType,
)

FIELD = StructType([
    StructField("field", StringType()),
    StructField("contract", StringType()),
    StructField("outcome", StringType()),
])
DECIDED = StructType([
    StructField("line", LongType()),
    StructField("id", StringType()),
    StructField("outcome", StringType()),
    StructField("decision", StringType()),
    StructField("fields", ArrayType(FIELD)),
])

# One loaded table per Python worker process (workers are reused between
# tasks), keyed by the shipped file's name.
_TABLES = {}


def table_for(name):
    if name not in _TABLES:
        import crmc

        _TABLES[name] = crmc.Table.load(SparkFiles.get(name))
    return _TABLES[name]


def decider(table_name):
    def decide(batches):
        import pandas as pd

        table = table_for(table_name)
        for batch in batches:
            decided = table.decide_many(batch["mutation"].tolist())
            ids, outcomes, texts, fields = [], [], [], []
            for line, d in zip(batch["line"].tolist(), decided):
                if "error" in d:
                    # The input's own line number, as `crmc eval` on the file says.
                    d["error"]["line"] = line
                    outcomes.append("error")
                    fields.append([])
                else:
                    outcomes.append(d["outcome"])
                    fields.append([
                        {"field": f, "contract": v.get("contract"), "outcome": v["outcome"]}
                        for f, v in d.get("fields", {}).items()
                    ])
                i = d.get("id")
                ids.append(None if i is None else str(i))
                texts.append(json.dumps(d, separators=(",", ":")))
            yield pd.DataFrame({
                "line": batch["line"], "id": ids, "outcome": outcomes,
                "decision": texts, "fields": fields,
            })

    return decide


def read_mutations(spark, path, fmt):
    if fmt == "parquet":
        df = spark.read.parquet(path).select("mutation")
    else:
        # As text: each line reaches crmc exactly as written.
        df = spark.read.text(path).withColumnRenamed("value", "mutation")
    # 1-based input positions, stable across partitions.
    rdd = df.rdd.zipWithIndex().map(lambda r: (r[1] + 1, r[0][0]))
    return spark.createDataFrame(rdd, "line long, mutation string")


def summarize(decided):
    overall = {r["outcome"]: r["count"] for r in decided.groupBy("outcome").count().collect()}
    per = (
        decided.select(F.explode("fields").alias("f"))
        .groupBy("f.contract", "f.field", "f.outcome").count()
        .orderBy("contract", "field", "outcome").collect()
    )
    return {
        "mutations": sum(overall.values()),
        "outcomes": dict(sorted(overall.items())),
        "fields": [
            {"contract": r["contract"], "field": r["field"], "outcome": r["outcome"],
             "count": r["count"]}
            for r in per
        ],
    }


def replay(spark, table, input_path, output, fmt=None):
    fmt = fmt or ("parquet" if input_path.endswith(".parquet") else "ndjson")
    spark.sparkContext.addFile(os.path.abspath(table))
    # Workers unpickle decider() by reference when this file is imported
    # as a module (as the test does): ship it too.
    if __name__ != "__main__":
        spark.sparkContext.addPyFile(os.path.abspath(__file__))
    mutations = read_mutations(spark, input_path, fmt)
    decided = mutations.mapInPandas(decider(os.path.basename(table)), DECIDED)
    # Read twice (decisions, summary): kept on disk, since a month of
    # decisions does not fit an executor's heap.
    decided = decided.persist(StorageLevel.DISK_ONLY)
    decided.drop("fields").write.mode("overwrite").parquet(os.path.join(output, "decisions"))
    summary = summarize(decided)
    with open(os.path.join(output, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    decided.unpersist()
    return summary


def main():
    ap = argparse.ArgumentParser(description="Replay mutations against a crmc table on Spark")
    ap.add_argument("--table", required=True, help="the table file (crmc build -o FILE)")
    ap.add_argument("--input", required=True, help="NDJSON or Parquet (column `mutation`)")
    ap.add_argument("--format", choices=["ndjson", "parquet"],
                    help="input format (default: by the extension)")
    ap.add_argument("--output", required=True, help="output directory")
    a = ap.parse_args()
    spark = SparkSession.builder.appName("crmc-replay").getOrCreate()
    os.makedirs(a.output, exist_ok=True)
    summary = replay(spark, a.table, a.input, a.output, a.format)
    print(json.dumps({"mutations": summary["mutations"], "outcomes": summary["outcomes"]}))
    spark.stop()


if __name__ == "__main__":
    main()
