"""A dict whose values are made on first use: how the projection cache is read lazily.

Reading the whole projection of an O*NET graph means making hundreds of
thousands of small objects, and a command touches only some of them (``path``
never reads the roles' alternative labels, ``gap`` two roles' skill lists...).
:class:`LazyDict` is a real ``dict`` (so ``isinstance(x, dict)`` code, networkx
and ``json.dumps`` see one) whose keys are all present from the start and
whose values are made by :meth:`LazyDict._load` the first time they are read,
through any path: ``d[k]``, ``get``, ``items``, ``values``, ``dict(d)``,
``{**d}``, ``==``, ``copy``. Nothing else changes: a value, once made, is the
object every later read returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["LazyDict", "PENDING"]


class _Pending:
    """The placeholder of a value not made yet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<pending>"


#: the placeholder a :class:`LazyDict` holds until a value is read
PENDING: Any = _Pending()


_MISSING: Any = object()


class LazyDict(dict):  # type: ignore[type-arg]
    """A ``dict`` whose values marked :data:`PENDING` are made by ``_load(key)`` when read.

    Subclasses define ``_load``. Writing, deleting and membership tests work
    as on any dict; reading never shows a placeholder.

    Examples
    --------
    >>> class Squares(LazyDict):
    ...     def _load(self, key):
    ...         return key * key
    >>> d = Squares(dict.fromkeys([2, 3], PENDING))
    >>> d[3], dict(d), d == {2: 4, 3: 9}
    (9, {2: 4, 3: 9}, True)
    """

    __slots__ = ()

    def _load(self, key: Any) -> Any:  # pragma: no cover - subclasses define it
        raise NotImplementedError

    def _made(self, key: Any, value: Any) -> Any:
        if value is PENDING:
            value = self._load(key)
            dict.__setitem__(self, key, value)
        return value

    def _make_all(self) -> None:
        for key, value in dict.items(self):
            if value is PENDING:
                # replacing a value keeps the dict's size, so iterating on is safe
                dict.__setitem__(self, key, self._load(key))

    def __getitem__(self, key: Any) -> Any:
        return self._made(key, dict.__getitem__(self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        value = dict.get(self, key, _MISSING)
        return default if value is _MISSING else self._made(key, value)

    def __iter__(self) -> Iterator[Any]:
        # defined so that dict(d), {**d} and d2.update(d) read values through __getitem__
        return dict.__iter__(self)

    def items(self) -> Any:
        self._make_all()
        return dict.items(self)

    def values(self) -> Any:
        self._make_all()
        return dict.values(self)

    def pop(self, key: Any, *default: Any) -> Any:
        value = dict.pop(self, key, *default)
        return self._load(key) if value is PENDING else value

    def popitem(self) -> tuple[Any, Any]:
        key, value = dict.popitem(self)
        return key, (self._load(key) if value is PENDING else value)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        dict.__setitem__(self, key, default)
        return default

    def copy(self) -> dict[Any, Any]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        self._make_all()
        if isinstance(other, LazyDict):
            other._make_all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        return dict(self.items()) | other

    def __ror__(self, other: Any) -> Any:
        return other | dict(self.items())

    def __repr__(self) -> str:
        self._make_all()
        return dict.__repr__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle see the plain dict of made values
        return (dict, (dict(self.items()),))
