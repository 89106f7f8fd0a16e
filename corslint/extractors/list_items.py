"""The mark of a resolved value known to be a Python `list`, in a module of its own: it
travels in the outcomes worker processes send back, and unpickling it imports its module,
which in the supervisor should not be the whole Python reader (20-25 ms at every run)."""

from __future__ import annotations


class ListItems(tuple):  # type: ignore[type-arg]
    """The items of a value known to be a `list` (a list display, a list comprehension,
    `str.split`): a tuple like every resolved sequence, marked so that `isinstance(x,
    list)` can be answered. Anything that rebuilds the tuple drops the mark, and the
    answer is then unknown again."""

    __slots__ = ()
