"""Type stubs for the crmc package (the extension module crmc._crmc)."""

from os import PathLike
from typing import Any, Dict, Iterable, List, Mapping, Optional, TypedDict, Union

class ContractActor(TypedDict):
    kind: str
    name: Optional[str]

class ContractInfo(TypedDict):
    name: str
    version: int
    object: Optional[str]
    actor: ContractActor

#: A mutation (language-v1 §7): a dict of JSON data, or its JSON text.
Mutation = Union[Mapping[str, Any], str]

#: A decision, or (from ``decide_many``) an error object
#: ``{"error": {"line": int, "message": str}}``: plain JSON data.
Decision = Dict[str, Any]

class CrmcError(Exception):
    """A table that cannot be loaded, or (from ``Table.decide``) a mutation
    that cannot be decided; the message is the evaluator's."""

class Table:
    """A compiled decision table (``crmc build -o FILE``), validated on load."""

    @staticmethod
    def load(path: Union[str, "PathLike[str]"]) -> "Table":
        """Loads the table file at ``path``; raises ``CrmcError`` if it cannot
        be read or is not a valid table."""
    @staticmethod
    def from_bytes(data: bytes) -> "Table":
        """Loads a table from the bytes of a table file; raises ``CrmcError``
        if they are not a valid table."""
    def decide(self, mutation: Mutation) -> Decision:
        """Decides one mutation (a dict or a JSON string): the decision
        ``crmc eval`` prints for it, as plain Python data. Raises
        ``CrmcError`` when it cannot be decided."""
    def decide_many(self, mutations: Iterable[Mutation]) -> List[Decision]:
        """Decides every mutation in order, releasing the GIL while deciding:
        one entry per item, its decision or, for a bad item, the error object
        ``crmc eval`` prints (``line`` = the item's 1-based position). Never
        raises for a bad item."""
    def decide_many_json(self, mutations: Iterable[Mutation]) -> List[str]:
        """``decide_many``, each answer as its JSON text: exactly the line
        ``crmc eval`` prints for the item (no newline; an error line's
        ``line`` is the item's 1-based position). Much faster than
        ``decide_many`` when the decisions are stored or sent as JSON."""
    @property
    def contracts(self) -> List[ContractInfo]:
        """The contracts in the table, in table order."""
    @property
    def compiler_version(self) -> str:
        """The version of the compiler that built the table."""

__all__ = ["CrmcError", "Table"]
