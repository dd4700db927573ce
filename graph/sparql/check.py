"""A query's syntax checked before it runs, with a message that points at the error.

The engine's parser runs in a thread with a big stack (:func:`in_big_stack`),
so no query can overflow the process's stack; rdflib's parser gives a second
opinion on where the error is.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from graph.errors import (
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateRefusedError,
)
from graph.namespaces import PREFIXES
from graph.syntax import _UPDATE_WORDS, _code_words, _tokens, query_kind, screen_query, uses_service

__all__ = ["check_query"]


T = TypeVar("T")


_POSITION = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.S)


_RDFLIB_LOCK = threading.Lock()


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _line_col(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _end_of_code(query: str) -> int:
    """Offset just past the last token that is not a comment or space."""
    end = 0
    for match in _tokens(query):
        if match.lastgroup not in ("comment", "space"):
            end = match.end()
    return end


def _second_opinion(query: str) -> int | None:
    """Where rdflib's parser stops on a query, as an offset (None if it parses)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    with _RDFLIB_LOCK:  # pyparsing's packrat cache is shared by threads
        try:
            parseQuery(query)
        except ParseException as exc:
            return int(exc.loc)
        except Exception:  # rdflib fails in its own ways; pyoxigraph's answer stands
            return None
    return None


def _syntax_message(query: str, error: str) -> str:
    """Turn a parser message into one naming line and column, with a caret.

    pyoxigraph reports the furthest point its parser reached, which for many
    mistakes is the end of the query; rdflib's parser stops at the start of
    the first construct it cannot continue, so the earlier of the two wins.
    """
    match = _POSITION.search(error)
    if not match:
        return f"The SPARQL query does not parse: {error}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    detail = " ".join(detail.split())
    end = _end_of_code(query)
    here = _offset(query, line, column)
    other = _second_opinion(query)
    if other is not None and other < min(here, end):
        line, column = _line_col(query, other)
        found = next((m for m in _tokens(query[other:]) if m.lastgroup != "space"), None)
        detail = f"unexpected '{found.group()}'" if found else "unexpected text"
    elif other is not None and here >= end:
        detail = "the query ends too early (an unclosed '{' or '(', or a missing term?)"
    lines = query.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in detail:
        # the parser stops just after an undeclared 'prefix:name'
        head = text[: column - 1]
        found_prefix = re.search(r"([A-Za-z_][\w.-]*)?:[\w.%-]*$", head)
        name = (found_prefix.group(1) or "") if found_prefix else "?"
        if found_prefix:
            column = found_prefix.start() + 1
        detail = (
            f"the prefix '{name}:' is not declared; declare it with PREFIX {name}: <...> "
            f"(declared for you: {', '.join(p + ':' for p in PREFIXES)})"
        )
    elif len(detail) > 160:
        detail = detail[:157] + "..."
    message = f"The SPARQL query does not parse at line {line}, column {column}: {detail}"
    if text.strip():
        shown = text.expandtabs(1)
        message += f"\n  {shown}\n  {' ' * max(column - 1, 0)}^"
    return message


_CHECKER: Any = None


_CHECKER_LOCK = threading.Lock()


_STACK_LOCK = threading.Lock()


#: stack of the threads the engine parses in: far deeper than any accepted query needs
ENGINE_STACK_BYTES = 256 * 1024 * 1024


def in_big_stack(func: Callable[[], T], timeout: float | None = None) -> T:
    """Call ``func`` in a thread with a large stack; the second guard against deep queries.

    :func:`screen_query` refuses queries nested too deep for the engine's
    recursive parser; should one slip past, the parser still has room here
    rather than ending the process.

    Raises
    ------
    QueryTimeoutError
        When ``func`` has not returned after ``timeout`` seconds.

    Examples
    --------
    >>> in_big_stack(lambda: 6 * 7)
    42
    """
    finished, value = call_in_thread(func, timeout, "careergraph-parse", ENGINE_STACK_BYTES)
    if not finished:
        raise QueryTimeoutError(f"Checking the query took over {timeout:g} s. Simplify it.")
    return value


def call_in_thread(
    func: Callable[[], T], timeout: float | None, name: str, stack_bytes: int | None = None
) -> tuple[bool, T]:
    """Call ``func`` in a daemon thread and wait up to ``timeout`` seconds (None: no limit).

    Returns whether it finished, and its value; its error is raised here, in
    the caller's thread. With ``stack_bytes`` the thread gets a stack of that
    size when the system allows one (else the default).
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    if stack_bytes is None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
    else:
        with _STACK_LOCK:  # stack_size() is process-wide: set it only for this thread
            previous = threading.stack_size(stack_bytes)
            try:
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
            except RuntimeError:  # no room for such a stack: the screen alone has to do
                threading.stack_size(previous)
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
            finally:
                threading.stack_size(previous)
    thread.join(timeout if timeout and timeout > 0 else None)
    if thread.is_alive():
        return False, None  # type: ignore[return-value]
    if "error" in box:
        raise box["error"]
    return True, box["value"]


def check_query(
    query: str,
    *,
    allow_update: bool = False,
    allow_service: bool = False,
    timeout: float | None = 30.0,
) -> str:
    """Check that a query parses; return its kind (see :func:`query_kind`).

    The text is screened first (:func:`screen_query`: size, nesting,
    operators, ``SERVICE``); then the query is parsed against an empty
    in-memory store with the usual prefixes, in a thread with a large stack
    and under ``timeout``, so a syntax error is reported with the user's own
    line and column whatever store it is then sent to. A query using
    ``SERVICE`` (only with ``allow_service``, for a remote store) is never
    given to the local engine.

    Raises
    ------
    UpdateRefusedError
        If the request is a SPARQL update and ``allow_update`` is false.
    UsageError
        If the query is over a limit or uses ``SERVICE`` without ``allow_service``.
    QuerySyntaxError
        If the query does not parse; the message names line and column.
    QueryTimeoutError
        If parsing takes longer than ``timeout``.

    Examples
    --------
    >>> check_query("SELECT ?r WHERE { ?r a cg:Role }")
    'select'
    >>> check_query("SELECT ?r WHERE {\\n  ?r a cg:Role . FILTER(?r = ) }")
    Traceback (most recent call last):
    ...
    graph.errors.QuerySyntaxError: The SPARQL query does not parse at line 2, column 18: \
unexpected 'FILTER'
        ?r a cg:Role . FILTER(?r = ) }
                       ^
    """
    global _CHECKER
    kind = query_kind(query)
    if kind == "update":
        if allow_update:
            return kind
        word = next(w.upper() for w in _code_words(query) if w.upper() in _UPDATE_WORDS)
        raise UpdateRefusedError(
            f"SPARQL updates ({word}) are refused: queries here only read the graph."
        )
    screen_query(query, allow_service=allow_service)
    if uses_service(query):
        return kind if kind != "unknown" else "select"  # the remote endpoint will judge it
    import pyoxigraph as ox

    with _CHECKER_LOCK:
        if _CHECKER is None:
            _CHECKER = ox.Store()
        checker = _CHECKER

    def parse() -> None:
        # parsing is eager and evaluation lazy, so nothing runs against the empty store
        try:
            checker.query(query, prefixes=PREFIXES)
        except OSError:
            pass  # an ASK evaluated eagerly; the real store will answer

    try:
        in_big_stack(parse, timeout)
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_message(query, str(exc))) from exc
    return kind if kind != "unknown" else "select"
