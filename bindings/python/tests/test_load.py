"""Loading: a missing, truncated, corrupted or empty table raises CrmcError."""

import pytest

import crmc


def test_load_and_from_bytes_agree(example_tables):
    name, path, mutations = example_tables[0]
    a = crmc.Table.load(path)
    b = crmc.Table.from_bytes(path.read_bytes())
    assert a.contracts == b.contracts
    assert a.decide(mutations[0]) == b.decide(mutations[0])
    assert crmc.Table.load(str(path)).contracts == a.contracts


def test_missing_file_raises(tmp_path):
    with pytest.raises(crmc.CrmcError, match="cannot read"):
        crmc.Table.load(tmp_path / "nope.crmct")


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped", "garbage"])
def test_corrupt_table_raises(example_tables, tmp_path, damage):
    data = bytearray(example_tables[0][1].read_bytes())
    if damage == "empty":
        data = bytearray()
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        data[len(data) // 2] ^= 0xFF
    else:
        data = bytearray(b"this is not a table" * 10)
    with pytest.raises(crmc.CrmcError, match="not a usable decision table"):
        crmc.Table.from_bytes(bytes(data))
    bad = tmp_path / "bad.crmct"
    bad.write_bytes(bytes(data))
    with pytest.raises(crmc.CrmcError, match="not a usable decision table"):
        crmc.Table.load(bad)


def test_error_class_is_exported():
    assert issubclass(crmc.CrmcError, Exception)
    assert crmc.Table.decide.__doc__ and crmc.Table.decide_many.__doc__
    assert crmc.Table.load.__doc__ and crmc.Table.from_bytes.__doc__
