"""Split run-together lists (employers, sectors, skill gaps) back into items.

Scraped guides often lose the line breaks between list items, leaving
``Amazon (AWS)GoogleMicrosoft`` or ``Cloud and SaaSE-commerce and marketplaces``.
An item boundary is where a lowercase letter, digit, ``)`` or ``.`` is directly
followed by an uppercase letter, or where a run of capitals (``IBMCisco``) ends
one letter before a capitalised word. Camel-case brand names (``ServiceNow``,
``JPMorgan Chase``) would be cut at such places too, so names are first looked
up in a gazetteer (longest match first, case-sensitive); a split that no
gazetteer name supports is reported as a guess so a person can check it.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.guides.gazetteer import (
    _CAMEL_SUFFIXES,
    _CAPITAL_PREFIXES,
    PROTECTED_TOKENS,
    Gazetteer,
    load_gazetteer,
)

__all__ = ["Split", "split_names", "split_sectors", "split_phrases"]


@dataclass
class Split:
    """The items of one run-together list, and the splits that were guesses.

    ``guesses`` are readable descriptions such as ``"'FooBarBaz' -> 'Foo', 'BarBaz'"``.
    """

    pieces: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)


def _depths(text: str) -> list[int]:
    """Bracket depth before each character (so ``(`` itself is at depth 0)."""
    depths = []
    depth = 0
    for ch in text:
        depths.append(depth)
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth > 0:
            depth -= 1
    return depths


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for token in PROTECTED_TOKENS:
        start = text.find(token)
        while start != -1:
            spans.append((start, start + len(token)))
            start = text.find(token, start + 1)
    return spans


def _acronym_boundary(text: str, j: int) -> bool:
    """True if ``j`` is where a capitalised word starts right after a run of capitals."""
    if j < 1 or j + 1 >= len(text):
        return False
    prev, cur, nxt = text[j - 1], text[j], text[j + 1]
    if not (cur.isupper() and nxt.islower() and (prev.isupper() or prev == "&")):
        return False
    # "OKRs", "APIs": a plural s is not the start of a word
    rest = re.match(r"[a-z]+", text[j + 1 :])
    return rest is not None and len(rest.group()) >= 2


def _boundaries(text: str, acronyms: bool = True) -> dict[int, str]:
    """Candidate item boundaries: position -> ``"hump"`` or ``"acronym"``."""
    depths = _depths(text)
    found: dict[int, str] = {}
    for j in range(1, len(text)):
        if depths[j] > 0 or not text[j].isupper():
            continue
        prev = text[j - 1]
        if prev.islower() or prev.isdigit() or prev in ").":
            found[j] = "hump"
        elif acronyms and _acronym_boundary(text, j):
            found[j] = "acronym"
    for start, end in _protected_spans(text):
        for j in range(start + 1, end):
            found.pop(j, None)
        if end < len(text) and text[end].isupper() and depths[end] == 0:
            found.setdefault(end, "hump")
    return found


def _split_outer(text: str, separators: str = ",;|·•") -> list[str]:
    """Split on explicit separators outside brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _name_end(text: str, end: int, bounds: dict[int, str]) -> int | None:
    """Where a gazetteer name ending at ``end`` really ends, or None if it is cut short."""
    if end == len(text):
        return end
    # an annotation in brackets belongs to the name: "Amazon (AWS)"
    m = re.match(r" ?\([^()]*\)", text[end:])
    if m:
        return _name_end(text, end + m.end(), bounds)
    if end in bounds or text[end].isupper() or text[end].isdigit():
        return end
    return None


def _segment(text: str, gazetteer: Gazetteer, bounds: dict[int, str]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (piece, known) covering it, most gazetteer coverage first.

    A cheapest-path search over cut positions: the cost of a path is the number
    of characters in unknown pieces, then the number of pieces.
    """
    n = len(text)
    stops = sorted(set(bounds) | {n})
    best: dict[int, tuple[int, int]] = {0: (0, 0)}
    back: dict[int, tuple[int, bool]] = {}
    heap: list[tuple[int, int, int]] = [(0, 0, 0)]
    done: set[int] = set()
    while heap:
        unknown, count, pos = heapq.heappop(heap)
        if pos in done:
            continue
        done.add(pos)
        if pos == n:
            break
        steps: list[tuple[int, bool]] = []
        for name in gazetteer.matches(text, pos):
            end = _name_end(text, pos + len(name), bounds)
            if end is not None:
                steps.append((end, True))
        # an unknown piece runs to the next cut; longer unknown stretches are merged below
        following = stops[bisect.bisect_right(stops, pos)]
        steps.append((following, False))
        for end, known in steps:
            cost = (unknown + (0 if known else end - pos), count + 1)
            if end not in best or cost < best[end]:
                best[end] = cost
                back[end] = (pos, known)
                heapq.heappush(heap, (cost[0], cost[1], end))
    pieces: list[tuple[str, bool]] = []
    pos = n
    while pos > 0:
        start, known = back[pos]
        pieces.append((text[start:pos], known))
        pos = start
    pieces.reverse()
    merged: list[tuple[str, bool]] = []
    for piece, known in pieces:
        if merged and not known and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, known))
    return merged


def _cut(text: str, cuts: Iterable[int]) -> list[str]:
    points = [0, *sorted(set(cuts)), len(text)]
    pieces = [text[a:b].strip() for a, b in zip(points, points[1:], strict=False)]
    return [p for p in pieces if p]


def _describe(stretch: str, pieces: list[str]) -> str:
    return f"'{stretch}' -> " + ", ".join(f"'{p}'" for p in pieces)


def _split_unknown_name(stretch: str) -> list[str]:
    """Guess where names begin inside a stretch no gazetteer name covers."""
    bounds = _boundaries(stretch)
    cuts = []
    points = sorted(bounds)
    for i, j in enumerate(points):
        start = points[i - 1] if i else 0
        before = stretch[start:j]
        end = points[i + 1] if i + 1 < len(points) else len(stretch)
        word_after = re.match(r"[A-Za-z]+", stretch[j:end])
        if before in _CAPITAL_PREFIXES:
            continue
        if bounds[j] == "hump" and word_after and word_after.group() in _CAMEL_SUFFIXES:
            continue
        cuts.append(j)
    return _cut(stretch, cuts)


def split_names(text: str, gazetteer: Gazetteer | None = None) -> Split:
    """Split a run-together list of employer names.

    Parameters
    ----------
    text : str
        One line of the list, e.g. ``"Amazon (AWS)GoogleIBMCisco"``. Commas,
        semicolons and ``|`` outside brackets also separate names.
    gazetteer : Gazetteer, optional
        Known names; the shipped employers gazetteer by default.

    Returns
    -------
    Split
        The names in order; ``guesses`` describes every stretch that no
        gazetteer name covered and that was cut (or kept whole) by rule.

    Examples
    --------
    >>> split_names("Amazon (AWS)GoogleIBMCiscoServiceNowJPMorgan ChaseCapital One").pieces
    ['Amazon (AWS)', 'Google', 'IBM', 'Cisco', 'ServiceNow', 'JPMorgan Chase', 'Capital One']
    >>> result = split_names("GoogleFoobarWidgetcoMeta")
    >>> result.pieces, result.guesses
    (['Google', 'Foobar', 'Widgetco', 'Meta'], ["'FoobarWidgetco' -> 'Foobar', 'Widgetco'"])
    """
    gazetteer = load_gazetteer("employers") if gazetteer is None else gazetteer
    result = Split()
    for chunk in _split_outer(text):
        bounds = _boundaries(chunk)
        for piece, known in _segment(chunk, gazetteer, bounds):
            piece = piece.strip()
            if not piece:
                continue
            if known:
                result.pieces.append(piece)
                continue
            guessed = _split_unknown_name(piece)
            if len(guessed) > 1 or _boundaries(piece):
                result.guesses.append(_describe(piece, guessed))
            result.pieces.extend(guessed)
    return result


def split_sectors(text: str, gazetteer: Gazetteer | None = None) -> Split:
    """Split a run-together list of industry sectors.

    Sector names are written in sentence case (``Fintech and banking``), so every
    lowercase-to-capital boundary outside a gazetteer name starts a new sector;
    only cuts after a run of capitals are reported as guesses.

    Examples
    --------
    >>> split_sectors("Cloud and SaaSE-commerce and marketplacesMedia/streaming").pieces
    ['Cloud and SaaS', 'E-commerce and marketplaces', 'Media/streaming']
    >>> split_sectors("Space tourismQuantum widgets").pieces
    ['Space tourism', 'Quantum widgets']
    """
    gazetteer = load_gazetteer("sectors") if gazetteer is None else gazetteer
    result = Split()
    for chunk in _split_outer(text, ";|·•"):
        bounds = _boundaries(chunk)
        for piece, known in _segment(chunk, gazetteer, bounds):
            if known:
                result.pieces.append(piece.strip())
                continue
            inner = _boundaries(piece)
            pieces = _cut(piece, inner)
            if "acronym" in inner.values():
                result.guesses.append(_describe(piece.strip(), pieces))
            result.pieces.extend(pieces)
    return result


def split_phrases(text: str) -> Split:
    """Split a run-together list of sentence-like phrases (skill gaps).

    A phrase starts where a lowercase letter or ``)`` is directly followed by a
    capitalised word, or where a run of capitals ends before one
    (``...CI/CDHands-on``). Tokens such as ``DevOps``, ``iOS`` or ``PagerDuty``
    and any single camel-case word (``KubeFlow``) are never cut.

    Examples
    --------
    >>> split_phrases("Depth (not just status)Hands-on DevOps and CI/CD basicsUsing data").pieces
    ['Depth (not just status)', 'Hands-on DevOps and CI/CD basics', 'Using data']
    """
    depths = _depths(text)
    cuts: list[int] = []
    for j, kind in sorted(_boundaries(text).items()):
        if text[j - 1] == "." or text[j - 1].isdigit():
            continue
        if depths[j] > 0:
            continue
        start = max(text.rfind(" ", 0, j) + 1, cuts[-1] if cuts else 0)
        # "...coachingAI infrastructure": a phrase may start with an acronym word
        acronym_word = re.match(r"[A-Z]{2,}s?\s", text[j:]) and j - start >= 3
        if not (re.match(r"[A-Z][a-z]", text[j:]) or acronym_word):
            continue
        # "KubeFlow", "JavaScript": a capitalised word glued to a capitalised word
        if kind == "hump" and text[j - 1] != ")" and text[start].isupper():
            continue
        cuts.append(j)
    return Split(pieces=_cut(text, cuts))
