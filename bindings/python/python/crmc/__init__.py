"""Decide CRM writes against a compiled crmc decision table.

Load the table ``crmc build -o contracts.crmct`` wrote, then ask it about
each write an automation proposes::

    import crmc
    table = crmc.Table.load("contracts.crmct")
    decision = table.decide({"object": "Lead", "event": "update", ...})
    decision["outcome"]  # "auto", "review", "escalate" or "never"

A decision is exactly the line ``crmc eval`` prints for the same mutation,
as ``json.loads`` gives it (built directly, without ``json.loads``).
``table.decide_many(items)`` decides a batch; ``table.decide_many_json(items)``
returns the lines themselves, as str, for callers that store or forward
JSON (several times faster: making the dicts is most of the cost).
"""

from ._crmc import CrmcError, Table

__all__ = ["CrmcError", "Table"]
