"""The one SPARQL tokenizer and the text screen every query passes before any parser.

The local store, the remote endpoint, the query pool, the CLI and the server
all read queries through these functions: the kind of a request, whether it
calls ``SERVICE``, and the limits on size, nesting and operators. They read
the text only, so they run before any parser sees it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from graph.errors import (
    UsageError,
)

__all__ = [
    "query_kind",
    "uses_service",
    "decode_codepoints",
    "code_words",
    "code_tokens",
    "screen_query",
]


_UPDATE_WORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
}  # fmt: skip


_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


# One SPARQL token at a time; strings, IRIs and comments are whole tokens, so a
# '$name' or a keyword is only ever seen where the grammar can have one. The
# tokens are the ones pyoxigraph's parser sees: an IRI may hold \u/\U escapes
# (decoded inside it), a comment ends at a carriage return as at a newline.
_TOKEN_SOURCE = r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*
             (?::(?:[A-Za-z0-9_.:%\-\u00B7\u00C0-\uFFFF]|\\.)*)?
           | :(?:[A-Za-z0-9_.:%\-\u00B7\u00C0-\uFFFF]|\\.)*)
  | (?P<space>\s+)
  | (?P<other>.)
"""


#: the non-ASCII letters of names, which only text that is not ASCII can hold
_UNICODE_NAME_CHARS = (r"\u00B7", r"\u00C0-\uFFFF")


# Compiling the letter classes up to U+FFFF takes about 10 ms (Python fills a
# 65,536-entry table per class), a good part of a cold command; an ASCII query
# is tokenized the same way by the classes without them.
_TOKEN_ASCII = re.compile(
    _TOKEN_SOURCE.replace(_UNICODE_NAME_CHARS[0], "").replace(_UNICODE_NAME_CHARS[1], ""),
    re.X | re.S,
)


@functools.cache
def _token_unicode() -> re.Pattern[str]:
    return re.compile(_TOKEN_SOURCE, re.X | re.S)


#: the most query text the engine is given, in characters
MAX_QUERY_CHARS = 200_000


#: the deepest nesting of ( { [ a query may have
MAX_NESTING = 100


#: the most operators (|| && + - * / = < > ! ^ UNION MINUS) a query may have
MAX_OPERATORS = 1_000


_OPERATOR_CHARS = set("|&+-*/=!^<>")


_OPERATOR_WORDS = {"UNION", "MINUS"}


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_codepoints(query: str) -> str:
    r"""Decode ``\u`` and ``\U`` codepoint escapes over the whole query text.

    SPARQL 1.1 (section 19.2) decodes these before parsing anything; an escape
    naming no character (a lone surrogate, past U+10FFFF) is left as written.

    Examples
    --------
    >>> decode_codepoints(r"SERV\u0049CE <http://e.org/\U00000041>")
    'SERVICE <http://e.org/A>'
    """

    def one(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return match.group()
        return chr(value)

    return _CODEPOINT.sub(one, query)


def _tokens(query: str) -> Iterable[re.Match[str]]:
    pattern = _TOKEN_ASCII if query.isascii() else _token_unicode()
    return pattern.finditer(query)


def code_words(query: str) -> Iterable[str]:
    """The keywords and names of a query, outside strings, IRIs and comments.

    The one SPARQL tokenizer careergraph's checks use (here and in
    :mod:`graph.store.remote`).

    Examples
    --------
    >>> list(code_words('PREFIX ex: <http://e.org/#> SELECT * { ?s ex:p "SERVICE" } # SERVICE'))
    ['PREFIX', 'ex:', 'SELECT', 'ex:p']
    """
    for match in _tokens(query):
        if match.lastgroup == "word":
            yield match.group()


def code_tokens(query: str) -> Iterable[tuple[str, int]]:
    """Each token of a query that is not space or a comment: ``(text, offset)``.

    Examples
    --------
    >>> [t for t, _ in code_tokens("PREFIX ex: <http://e.org/#x> # note\\nASK {}")]
    ['PREFIX', 'ex:', '<http://e.org/#x>', 'ASK', '{', '}']
    """
    for match in _tokens(query):
        if match.lastgroup not in ("space", "comment"):
            yield match.group(), match.start()


_code_words = code_words


def query_kind(query: str) -> str:
    """Return what a SPARQL request is: select, ask, construct, describe, update or unknown.

    Examples
    --------
    >>> query_kind("PREFIX ex: <http://e.org/> # a comment\\nselect * { ?s ?p ?o }")
    'select'
    >>> query_kind("INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }")
    'update'
    >>> query_kind("garbage")
    'unknown'
    """
    words = iter(_code_words(query))
    for word in words:
        upper = word.upper()
        if upper == "PREFIX":
            next(words, None)  # the prefix name; its IRI is not a word
            continue
        if upper == "BASE":
            continue
        if upper in _QUERY_WORDS:
            return upper.lower()
        if upper in _UPDATE_WORDS:
            return "update"
        return "unknown"
    return "unknown"


def uses_service(query: str) -> bool:
    r"""Tell whether a query calls another endpoint with ``SERVICE``.

    The keyword is looked for twice: in the text as the engine reads it
    (escapes decoded only inside IRIs and strings) and in the text with every
    codepoint escape decoded first, as SPARQL 1.1 section 19.2 has it. Either
    finding counts, so no mix of escapes, strings and comments hides it.

    Examples
    --------
    >>> uses_service("SELECT * { SERVICE <http://e.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" }')
    False
    >>> uses_service(r"SELECT * { BIND(<http://a/\u0041#> AS ?y) SERVICE <http://b/> {} }")
    True
    """
    for text in (query, decode_codepoints(query)):
        if any(word.upper() == "SERVICE" for word in code_words(text)):
            return True
    return False


def screen_query(query: str, *, allow_service: bool = False) -> None:
    """Refuse a query the engine must never see: too big, too deep, or calling ``SERVICE``.

    These checks read the text only, so they run before any parser: a query
    nested thousands deep overflows the engine parser's stack and ends the
    process, and a ``SERVICE`` clause would make the engine open connections.

    Raises
    ------
    UsageError
        Saying which limit the query is over, or that SERVICE is refused.

    Examples
    --------
    >>> screen_query("SELECT * { ?s ?p ?o }")
    >>> screen_query("SELECT * { " + "{" * 200 + " }" * 200 + " }")
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: The query nests ( { [ 201 deep; at most 100 is accepted. Flatten it.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(
            f"The query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} "
            "are accepted. Shorten it."
        )
    depth = deepest = operators = 0
    for match in _tokens(query):
        group = match.lastgroup
        if group == "other":
            char = match.group()
            if char in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")}]":
                depth = max(0, depth - 1)
            elif char in _OPERATOR_CHARS:
                operators += 1
        elif group == "word" and match.group().upper() in _OPERATOR_WORDS:
            operators += 1
    if deepest > MAX_NESTING:
        raise UsageError(
            f"The query nests ( {{ [ {deepest} deep; at most {MAX_NESTING} is accepted. Flatten it."
        )
    if operators > MAX_OPERATORS:
        raise UsageError(
            f"The query has {operators:,} operators; at most {MAX_OPERATORS:,} are accepted. "
            "Use VALUES or IN (...) instead of long chains of || or UNION."
        )
    if not allow_service and uses_service(query):
        raise UsageError(
            "SERVICE (federated queries to other endpoints) is refused: a query here may "
            "not make the engine open connections."
        )
