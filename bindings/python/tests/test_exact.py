"""The decisions crmc builds as Python data (in Rust, without json.loads)
are exactly json.loads of the lines `crmc eval` prints: over every bundled
example's mutations, varied and broken at random, with values that stress
the JSON text (escapes, non-ASCII, surrogate pairs, big and odd numbers)
echoed back in audit and rollback entries. Compared through json.dumps of
both sides, which tells 1 from 1.0 and True, and keeps key order."""

import json
import random

import crmc
from conftest import crmc_eval

ODD_VALUES = [
    "plain",
    "quote \" backslash \\ slash /",
    "tab\tnewline\ncr\rbell\x07nul\x00",
    "\u2028\u2029 line separators",
    "é ü ß 中文 🙂 𝄞",
    "",
    "x" * 200,
    0,
    -0,
    -0.0,
    1.5e-7,
    1e300,
    123456789012345678,
    -(2**63),
    2**63,
    10**30,
    3.0,
    0.1,
    True,
    False,
    None,
    [1, "two", [3.5, {"k": None}]],
    {"nested": {"deeper": ["é", 2**70]}},
]


def strict(v):
    """A text that differs whenever type, value or key order differ."""
    return json.dumps(v, ensure_ascii=True)


def variants(mutation, rng):
    """The mutation, with odd values put into changes and record, ids of
    every kind, and broken forms."""
    out = []
    for _ in range(6):
        m = json.loads(json.dumps(mutation))
        for part in ("changes", "record"):
            if isinstance(m.get(part), dict) and m[part]:
                key = rng.choice(sorted(m[part]))
                m[part][key] = rng.choice(ODD_VALUES)
        m["id"] = rng.choice([f"req-{rng.randint(0, 999)}", 7, 2**64, None, "é\"\\"])
        if rng.random() < 0.3:
            m["confidence"] = rng.choice([0.1, 0.95, 1, 0])
        out.append(json.dumps(m, ensure_ascii=rng.random() < 0.5))
    good = json.dumps(mutation)
    out += [
        "",
        "not json",
        good[:-1],
        good[:-1] + ', "changes": {}}',
        json.dumps(dict(mutation, object="NoSuchObject\u00e9")),
        json.dumps(dict(mutation, id="bad-\ud83d\ude42", event="explode")),
        '{"id": "\\ud800", "object": 1}',
    ]
    return out


def test_decide_many_is_json_loads_of_crmc_eval(example_tables):
    rng = random.Random(20261201)
    total = 0
    for name, path, mutations in example_tables:
        table = crmc.Table.load(path)
        lines = [v for m in mutations for v in variants(m, rng)]
        expected = crmc_eval(path, lines)
        got = table.decide_many(lines)
        assert len(got) == len(expected), name
        for line, g, e in zip(lines, got, expected):
            assert strict(g) == strict(e), (name, line)
        total += len(lines)
    assert total >= 500


def test_decide_is_json_loads_of_crmc_eval(example_tables):
    rng = random.Random(7)
    for name, path, mutations in example_tables:
        table = crmc.Table.load(path)
        lines = [v for m in mutations for v in variants(m, rng)]
        for line, e in zip(lines, crmc_eval(path, lines)):
            if "error" in e:
                continue
            assert strict(table.decide(line)) == strict(e), (name, line)
            assert strict(table.decide(json.loads(line))) == strict(e), (name, line)


def test_shared_strings_are_not_shared_containers(example_tables):
    # Strings are shared between decisions; dicts and lists never are, so
    # changing one decision leaves the next one alone.
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    a, b = table.decide_many([mutations[0], mutations[0]])
    assert a == b and a is not b
    a["fields"].clear()
    assert b == table.decide(mutations[0])
    c = table.decide(mutations[0])
    c["outcome"] = "auto"
    assert table.decide(mutations[0])["outcome"] == b["outcome"]


def test_decide_many_json_is_crmc_evals_lines(example_tables, tmp_path):
    # The text, byte for byte (not just equal once parsed), item positions
    # in error lines included.
    import subprocess
    from conftest import crmc_bin

    rng = random.Random(3)
    for name, path, mutations in example_tables:
        table = crmc.Table.load(path)
        lines = [v for m in mutations for v in variants(m, rng)]
        text = "".join(line + "\n" for line in lines)
        out = subprocess.run(
            [crmc_bin(), "eval", "-t", str(path)], input=text.encode(), check=True,
            capture_output=True,
        ).stdout.decode().split("\n")[:-1]
        assert table.decide_many_json(lines) == out, name
        got = table.decide_many_json(json.loads(line) for line in lines[:6])
        assert [json.loads(g) for g in got] == table.decide_many(lines[:6]), name
    assert "error" in json.loads(table.decide_many_json([1])[0])


def test_long_batches_keep_order_and_stop_on_iterator_error(example_tables):
    # Several chunks (4096 items each) decided on the worker thread while
    # earlier ones are built: every answer in its item's place.
    name, path, mutations = example_tables[0]
    table = crmc.Table.load(path)
    lines = [json.dumps(m) for m in mutations] + ["not json"]
    many = lines * (13_000 // len(lines) + 1)
    expected = crmc_eval(path, lines) * (13_000 // len(lines) + 1)
    got = table.decide_many(many)
    for i, (g, e) in enumerate(zip(got, expected), start=1):
        if "error" in e:
            e = {"error": dict(e["error"], line=i)}
        assert strict(g) == strict(e), i
    assert len(got) == len(many)

    def broken():
        yield from many[:9000]
        raise ValueError("the source broke")

    import pytest

    with pytest.raises(ValueError, match="the source broke"):
        table.decide_many(broken())
    with pytest.raises(ValueError, match="the source broke"):
        table.decide_many_json(broken())
