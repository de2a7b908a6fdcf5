"""Decide CRM writes against a compiled crmc decision table.

Load the table ``crmc build -o contracts.crmct`` wrote, then ask it about
each write an automation proposes::

    import crmc
    table = crmc.Table.load("contracts.crmct")
    decision = table.decide({"object": "Lead", "event": "update", ...})
    decision["outcome"]  # "auto", "review", "escalate" or "never"

A decision is exactly the line ``crmc eval`` prints for the same mutation,
as ``json.loads`` gives it.
"""

from ._crmc import CrmcError, Table

__all__ = ["CrmcError", "Table"]
