"""Provenance from Python: a mutation's `history` (who last wrote each field)
decides the human-verified-fields example as its tests say, a field whose
history the mutation lacks waits for review, and a malformed history is an
error, never a decision."""

import json

import pytest

import crmc
from conftest import EXAMPLES, build_table
from conftest import test_mutations as block_mutations


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    unit = EXAMPLES / "human_verified_fields"
    table = build_table(unit, tmp_path_factory.mktemp("history") / "hv.crmct")
    person = next(
        m for m in block_mutations(unit)
        if m.get("history", {}).get("industry") is not None
    )
    return crmc.Table.load(str(table)), person


def industry(d):
    return d["fields"]["industry"]


def test_a_value_a_person_set_is_reviewed(verified):
    table, person = verified
    fd = industry(table.decide(person))
    assert fd["outcome"] == "review"
    # an empty industry a person cleared is theirs too; one an AI
    # cleared is filled on its own
    m = json.loads(json.dumps(person))
    m["record"]["industry"] = None
    assert industry(table.decide(m))["outcome"] == "review"
    m["history"]["industry"]["actor"] = {"kind": "ai", "name": "vera"}
    assert industry(table.decide(m))["outcome"] == "auto"


def test_a_missing_history_waits_for_review(verified):
    table, person = verified
    m = json.loads(json.dumps(person))
    del m["history"]
    fd = industry(table.decide(m))
    assert fd["outcome"] == "review"
    assert any("missing history of `industry`" in r for r in fd["reasons"])


def test_a_malformed_history_is_an_error(verified):
    table, person = verified
    m = json.loads(json.dumps(person))
    m["history"]["industry"]["actor"]["kind"] = "robot"
    with pytest.raises(Exception):
        table.decide(m)
