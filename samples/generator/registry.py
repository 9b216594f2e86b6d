"""A small named registry, so designs, variants and photo conditions are looked up the same way.

Entries are registered in the module that owns the registry (no import side
effects elsewhere); asking for an unknown name raises an error that lists the
valid ones, so a typo on the command line explains itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["Registry", "UnknownNameError"]

T = TypeVar("T")


class UnknownNameError(ValueError):
    """A name that no entry of the registry carries."""


class Registry(Generic[T]):
    """Entries of one kind, by unique name, in registration order.

    >>> colours = Registry[str]("colour")
    >>> colours.add("red", "#f00")
    >>> colours.get("red")
    '#f00'
    >>> colours.get("blue")
    Traceback (most recent call last):
    ...
    samples.generator.registry.UnknownNameError: unknown colour 'blue'; valid: red
    """

    def __init__(self, what: str) -> None:
        self._what = what
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> None:
        """Register ``entry`` under ``name``; a name may be registered once."""
        if name in self._entries:
            raise ValueError(f"{self._what} {name!r} is already registered")
        self._entries[name] = entry

    def get(self, name: str) -> T:
        """The entry called ``name``.

        Raises:
            UnknownNameError: no entry has that name; the message lists the valid ones.
        """
        try:
            return self._entries[name]
        except KeyError:
            valid = ", ".join(self._entries)
            raise UnknownNameError(f"unknown {self._what} {name!r}; valid: {valid}") from None

    def names(self) -> tuple[str, ...]:
        """Every registered name, in registration order."""
        return tuple(self._entries)

    def values(self) -> tuple[T, ...]:
        """Every registered entry, in registration order."""
        return tuple(self._entries.values())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
