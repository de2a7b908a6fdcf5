"""Guardrails from Python: the follow-up example's key-account guardrail
raises what a contract lets through, names itself in the reasons and the
audit entry, applies when the account is unknown, and never makes a write
of an actor with no contract allowed."""

import json

import pytest

import crmc
from conftest import EXAMPLES, build_table
from conftest import test_mutations as block_mutations


@pytest.fixture(scope="module")
def follow_up(tmp_path_factory):
    unit = EXAMPLES / "follow_up_governance"
    table = build_table(unit, tmp_path_factory.mktemp("guardrail") / "fg.crmct")
    stale = next(
        m for m in block_mutations(unit)
        if m.get("source") == "stale-check" and "parents" in m
        and m["parents"]["Account"].get("Segment__c") == "Mid-Market"
    )
    return crmc.Table.load(str(table)), stale


def field(d, name):
    return d["fields"][name]


def test_a_key_account_raises_an_automatic_write(follow_up):
    table, stale = follow_up
    assert field(table.decide(stale), "Stale_Flag__c")["outcome"] == "auto"
    m = json.loads(json.dumps(stale))
    m["parents"]["Account"]["Segment__c"] = "Enterprise"
    d = table.decide(m)
    fd = field(d, "Stale_Flag__c")
    assert fd["outcome"] == "escalate"
    # the contract and rule that decided are still the ones named
    assert fd["contract"] == "followup_allowed"
    assert any(r.startswith("guardrail `key_accounts_signed_off`: ") for r in fd["reasons"])
    entry = next(e for e in d["audit"] if e["field"] == "Stale_Flag__c")
    assert entry["guardrail"] == "key_accounts_signed_off"
    # the contract's escalate route signs off
    assert any(a["level"] == "escalate" and a["approver"] == "role:Sales Director"
               for a in d["approvals"])


def test_an_unknown_account_counts_as_a_key_account(follow_up):
    table, stale = follow_up
    m = json.loads(json.dumps(stale))
    del m["parents"]
    fd = field(table.decide(m), "Stale_Flag__c")
    assert fd["outcome"] == "escalate"
    assert any("its condition unknown" in r for r in fd["reasons"])


def test_no_contract_still_means_never(follow_up):
    table, stale = follow_up
    m = json.loads(json.dumps(stale))
    m["actor"]["name"] = "some-other-assistant"
    fd = field(table.decide(m), "Stale_Flag__c")
    assert fd["outcome"] == "never"
    assert fd["reasons"] == ["no contract governs"]
