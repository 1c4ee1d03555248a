"""What a step of a report shows: blocks and charts displayed one after the other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Blocks(list):
    """Blocks and charts that display one after the other when a notebook cell ends with them:
    what each step function of lai_chau.present.pages returns, with the ids of the sources the
    step cites (`sources`)."""

    def __init__(self, items: Iterable[Any] = (), sources: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.sources = list(dict.fromkeys(sources))

    def _ipython_display_(self) -> None:
        show(self)


def show(blocks: Iterable[Any]) -> None:
    """Display blocks and charts one after the other (IPython.display.display)."""
    from IPython.display import display

    for block in blocks:
        display(block)
