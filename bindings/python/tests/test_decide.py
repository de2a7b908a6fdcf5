"""crmc.Table decides exactly as `crmc eval` does: the bundled examples'
mutations, as dicts and as JSON strings, one at a time and in batches;
bad input raises (decide) or gets crmc eval's error object (decide_many)."""

import json
import math

import pytest

import crmc
from conftest import crmc_eval


def test_examples_have_mutations(example_tables):
    assert len(example_tables) >= 5
    assert sum(len(m) for _, _, m in example_tables) >= 20


def test_decide_equals_crmc_eval(example_tables):
    for name, path, mutations in example_tables:
        table = crmc.Table.load(path)
        lines = [json.dumps(m) for m in mutations]
        expected = crmc_eval(path, lines)
        assert [table.decide(m) for m in mutations] == expected, name
        assert [table.decide(line) for line in lines] == expected, name


def test_decide_many_equals_crmc_eval(example_tables):
    for name, path, mutations in example_tables:
        table = crmc.Table.load(path)
        lines = [json.dumps(m) for m in mutations]
        expected = crmc_eval(path, lines)
        assert table.decide_many(lines) == expected, name
        assert table.decide_many(mutations) == expected, name
        # A generator, and more items than one internal chunk.
        many = lines * (5000 // len(lines) + 1)
        assert table.decide_many(x for x in many) == expected * (5000 // len(lines) + 1)


def bad_lines(mutation):
    """Malformed variants of a good mutation, as NDJSON lines."""
    good = json.dumps(mutation)
    no_changes = {k: v for k, v in mutation.items() if k != "changes"}
    return [
        "",
        "   ",
        "not json",
        "[1, 2]",
        good[:-1],
        json.dumps(no_changes),
        # A duplicate key is an error line, never last-one-wins.
        good[:-1] + ', "changes": {}}',
        json.dumps(dict(mutation, object="NoSuchObject")),
        json.dumps(dict(mutation, id="req-7", event="explode")),
        json.dumps(dict(mutation, confidence=7)),
        good,
    ]


def test_bad_lines_match_crmc_eval_in_place(example_tables):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    lines = bad_lines(mutations[0])
    expected = crmc_eval(path, lines)
    assert [("error" in e) for e in expected][:-1] == [True] * (len(lines) - 1)
    got = table.decide_many(lines)
    assert got == expected
    # Mixed with good items, the error objects carry the item's position.
    mixed = table.decide_many([mutations[0]] + lines)
    assert mixed[0] == expected[-1]
    for i, e in enumerate(mixed[1:], start=2):
        if "error" in e:
            assert e["error"]["line"] == i


def test_decide_raises_on_bad_input(example_tables):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    for line, expected in zip(bad_lines(mutations[0]), crmc_eval(path, bad_lines(mutations[0]))):
        if "error" in expected:
            with pytest.raises(crmc.CrmcError) as info:
                table.decide(line)
            assert str(info.value) == expected["error"]["message"]
        else:
            assert table.decide(line) == expected


@pytest.mark.parametrize(
    "bad",
    [
        {"confidence": math.nan},
        {"confidence": math.inf},
        {"record": {1: "x"}},
        {"record": {"Email": b"bytes"}},
        {"record": {"Email": {"a", "b"}}},
        {"changes": {"Email": "\ud800"}},
    ],
)
def test_dicts_json_cannot_hold_raise(example_tables, bad):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    m = dict(mutations[0], **bad)
    with pytest.raises(crmc.CrmcError):
        table.decide(m)
    # In a batch it is an error object in its place, never a decision.
    out = table.decide_many([mutations[0], m])
    assert "error" in out[1] and out[1]["error"]["line"] == 2
    assert "outcome" in out[0]


def test_dict_decides_as_its_json(example_tables):
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    for m in mutations:
        # Key order, tuples for lists, big ints and floats are kept exactly.
        m2 = dict(reversed(list(m.items())))
        m2["record"] = dict(m.get("record") or {}, Extra__c=10**30, Ratio__c=0.1)
        assert table.decide(m2) == table.decide(json.dumps(m2))
        assert table.decide(m) == table.decide(json.dumps(m))


def test_not_a_mutation(example_tables):
    table = crmc.Table.load(example_tables[0][1])
    for bad in (None, 3, ["x"], b"{}"):
        with pytest.raises(crmc.CrmcError):
            table.decide(bad)
    out = table.decide_many([None, 3])
    assert [e["error"]["line"] for e in out] == [1, 2]


def test_deeply_nested_dict_is_an_error_not_a_crash(example_tables):
    table = crmc.Table.load(example_tables[0][1])
    deep = {}
    cur = deep
    for _ in range(100_000):
        cur["x"] = {}
        cur = cur["x"]
    m = dict(example_tables[0][2][0], record=deep)
    with pytest.raises(crmc.CrmcError):
        table.decide(m)
    loop = {}
    loop["self"] = loop
    with pytest.raises(crmc.CrmcError):
        table.decide(dict(example_tables[0][2][0], record=loop))


def test_contracts(example_tables):
    for name, path, _ in example_tables:
        table = crmc.Table.load(path)
        contracts = table.contracts
        assert contracts, name
        for c in contracts:
            assert set(c) == {"name", "version", "object", "actor"}
            assert isinstance(c["version"], int)
            assert c["actor"]["kind"] in ("ai", "integration", "workflow", "user", "human")
        assert table.compiler_version
