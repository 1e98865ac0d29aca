"""Slots: a page of a lower app shows what the apps above it put there.

Layers import downward only, yet the incident page shows the plan, the
meetings and the snoozes, which belong to apps above the incidents. So a
page declares a slot; each app above fills it from its ``AppConfig.ready()``
with a function that returns its part of the page's context. The page asks
the slot and never imports the apps that filled it.
"""

from collections.abc import Callable


class Slot:
    """A named place on a page, filled by functions of the apps above.

    A slot of context takes fillers that return dicts, merged in order
    (``context``); a slot of a query takes fillers that each refine the
    query, e.g. annotate a count in the same SQL (``apply``); a slot of rules
    takes fillers that raise ``ValidationError`` to refuse (``check``).
    """

    def __init__(self, name: str):
        self.name = name
        self._fillers: list[Callable[..., dict]] = []

    def fill(self, filler: Callable[..., dict]) -> Callable[..., dict]:
        """Add ``filler`` (once, however often an app is made ready)."""
        if filler not in self._fillers:
            self._fillers.append(filler)
        return filler

    def context(self, **kwargs) -> dict:
        """What every filler contributes, called with the page's arguments."""
        merged: dict = {}
        for filler in self._fillers:
            merged.update(filler(**kwargs))
        return merged

    def apply(self, value, **kwargs):
        """``value`` passed through every filler in turn (``filler(value, **kwargs)``)."""
        for filler in self._fillers:
            value = filler(value, **kwargs)
        return value

    def check(self, **kwargs) -> None:
        """Ask every filler; the first that refuses raises."""
        for filler in self._fillers:
            filler(**kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {len(self._fillers)} filler(s)>"
