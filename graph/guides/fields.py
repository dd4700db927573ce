"""Fields of a guide read from free text: salary bands, progression steps, role titles."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from graph.guides.model import SalaryBand
from graph.guides.sections import _BULLET, _Line, _looks_like_heading, _Reader, _short

__all__ = []


_SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "₹": "INR",
    "¥": "JPY",
    "R$": "BRL",
}


_ISO = (
    "USD EUR GBP CAD AUD NZD INR JPY CHF SEK NOK DKK PLN CZK HUF SGD HKD CNY KRW TWD ZAR BRL "
    "MXN AED SAR ILS TRY RON BGN PHP IDR MYR THB VND NGN KES EGP ARS CLP COP"
).split()


_CUR = (
    r"(?:(?:" + "|".join(_ISO) + r")\s?(?:\$|£|€)?"
    r"|US\$|CA\$|C\$|AU\$|A\$|NZ\$|S\$|HK\$|R\$|\$|£|€|₹|¥)"
)


_AMOUNT = r"\d[\d,.]*"


_MULT = r"(?:\s?(?:[kK]|[mM](?:n|il)?)(?![a-zA-Z]))?"


_SEP = r"\s*(?:–|—|-|\bto\b)\s*"


_RANGE = re.compile(
    rf"(?P<c1>{_CUR})?\s?(?P<a1>{_AMOUNT})(?P<m1>{_MULT}){_SEP}(?P<c2>{_CUR})?\s?"
    rf"(?P<a2>{_AMOUNT})(?P<m2>{_MULT})(?P<plus>\s?\+)?(?:\s?(?P<c3>{_CUR})(?![A-Za-z]))?"
)


_SINGLE = re.compile(rf"(?P<c1>{_CUR})\s?(?P<a2>{_AMOUNT})(?P<m2>{_MULT})(?P<plus>\s?\+)?")


_PER_YEAR = re.compile(r"^\s*(?:/\s*(?:yr|year|annum)|per (?:year|annum)|a year|annually)\b", re.I)


_YEARS = re.compile(r"\b(?:yrs?|years?)\b", re.I)


def _currency(symbol: str | None) -> str | None:
    if not symbol:
        return None
    symbol = symbol.replace(" ", "")
    if symbol[:3] in _ISO:
        return symbol[:3]
    return _SYMBOLS.get(symbol)


def _amount(raw: str, mult: str) -> int | None:
    raw = raw.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw) and not mult:
        raw = raw.replace(".", "")  # 60.000 written the European way
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw) or re.fullmatch(r"\d+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    else:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    factor = {"k": 1000, "m": 1_000_000}.get(mult.strip()[:1].lower(), 1)
    return int(value * factor)


def _clauses(text: str) -> list[str]:
    """Split on ';' outside brackets."""
    clauses, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            clauses.append(current)
            current = ""
        else:
            current += ch
    clauses.append(current)
    return [c.strip() for c in clauses if c.strip()]


def _parse_salary(text: str, number: int, reader: _Reader) -> SalaryBand:
    section = "Median Salary Range"
    hint = "write it as 'Entry Level US$115k–$150k (0–3 yrs; notes)'"
    depths = [0]
    for ch in text:
        depths.append(depths[-1] + (ch == "(") - (ch == ")" and depths[-1] > 0))
    # the amount is the first range outside brackets; "(3–7 yrs)" is not an amount
    ranges = [m for m in _RANGE.finditer(text) if depths[m.start()] == 0]
    priced = [m for m in ranges if m.group("c1") or m.group("c2") or m.group("c3")]
    singles = [m for m in _SINGLE.finditer(text) if depths[m.start()] == 0]
    candidates = priced or singles or ranges
    if not candidates:
        raise reader.error(f"cannot read the salary line '{_short(text)}'; {hint}", number, section)
    match = candidates[0]
    groups = match.groupdict()
    level = text[: match.start()].strip(" \t:–—-|")
    if not level:
        raise reader.error(
            f"the salary line '{_short(text)}' has no level before the amount; {hint}",
            number,
            section,
        )
    symbols = [groups[k].strip() for k in ("c1", "c2", "c3") if groups.get(k)]
    if any(s != "$" and s.endswith("$") for s in symbols):
        symbols = [s for s in symbols if s != "$"]  # "CA$95k–$120k": the second $ is CA$
    codes = {_currency(s) for s in symbols}
    if not codes or None in codes:
        raise reader.error(
            f"the salary line '{_short(text)}' has no currency (such as US$, £, € or EUR); {hint}",
            number,
            section,
        )
    if len(codes) > 1:
        raise reader.error(
            f"the salary line '{_short(text)}' mixes currencies "
            f"{', '.join(sorted(c for c in codes if c))}; "
            "use one currency per line",
            number,
            section,
        )
    high = _amount(groups["a2"], groups["m2"] or "")
    if groups.get("a1") is not None:
        mult1 = groups["m1"] or ""
        low_raw = _amount(groups["a1"], mult1)
        if low_raw is not None and not mult1 and groups["m2"] and low_raw < 1000:
            mult1 = groups["m2"]  # "$115–150k": the k belongs to both
        low = _amount(groups["a1"], mult1)
    else:
        low = high
    if low is None or high is None:
        raise reader.error(
            f"cannot read the amounts in the salary line '{_short(text)}'; {hint}", number, section
        )
    if low > high:
        raise reader.error(
            f"the salary range in '{_short(text)}' starts above where it ends ({low} > {high}); "
            "put the lower amount first",
            number,
            section,
        )
    rest = text[match.end() :]
    rest = _PER_YEAR.sub("", rest).strip()
    clauses: list[str] = []
    outside = []
    for piece in re.split(r"(\([^()]*(?:\([^()]*\)[^()]*)*\))", rest):
        if piece.startswith("(") and piece.endswith(")"):
            clauses += _clauses(piece[1:-1])
        elif piece.strip(" ,;–—-"):
            outside.append(piece.strip(" ,;–—-"))
    if outside:
        reader.warn(number, section, f"text after the amount read as a note: '{' '.join(outside)}'")
        clauses += outside
    years = next((c for c in clauses if _YEARS.search(c)), None)
    notes = [c for c in clauses if c is not years]
    return SalaryBand(
        level=level,
        min=low,
        max=high,
        currency=codes.pop() or "",
        open_ended=bool(groups.get("plus")),
        years=years,
        note="; ".join(notes) or None,
    )


def _step_marker(n: int) -> re.Pattern[str]:
    """Where step ``n`` starts: alone on a line, at a line start, or glued after a sentence."""
    return re.compile(
        rf"(?:(?<=\n)|^|(?<=(?<![\d.])[.!?)\]\"”'])\s*)[ \t]*{n}"
        r"(?:[.):]\s+|\s*$|\s*\n|[ \t]*(?=[A-Z]))",
        re.M,
    )


# a step number out of sequence counts only where numbers rarely are content: alone on
# a line, at a line start before ". ", or glued after a sentence at a line end
_STRAY = re.compile(
    r"(?:^|\n)[ \t]*(\d+)(?:[.)]\s+|[ \t]*(?=\n|$))|(?<=[a-z)][.!?)])(\d+)[ \t]*(?=\n|$)"
)


def _parse_steps(lines: list[_Line], reader: _Reader) -> list[str]:
    name = "Recommended Next Steps"
    if not lines:
        return []
    text = "\n".join(ln.text.strip() for ln in lines)
    starts = []
    offset = 0
    for ln in lines:
        starts.append((offset, ln.number))
        offset += len(ln.text.strip()) + 1

    def line_at(pos: int) -> int:
        return max((n for o, n in starts if o <= pos), default=lines[0].number)

    first = _step_marker(1).match(text)
    if not first:
        strong = re.match(r"\s*(\d+)(?:[.):]\s+|\s*\n|\s*$)", text)
        bullets = [ln for ln in lines if _BULLET.match(ln.text.strip())]
        if strong:
            reader.warn(
                lines[0].number,
                name,
                f"steps start at {strong.group(1)}, not 1; read in sequence from there",
            )
            first = _step_marker(int(strong.group(1))).match(text)
        elif bullets and len(bullets) == len(lines):
            return reader.unique(
                name, [(ln.number, _BULLET.sub("", ln.text.strip(), count=1)) for ln in lines]
            )
        else:
            reader.warn(lines[0].number, name, "steps are not numbered; read one step a line")
            return reader.unique(name, [(ln.number, ln.text.strip()) for ln in lines])
    if first is None:  # cannot happen: the strong match above is a marker too
        return []
    expected = int(re.sub(r"\D", "", first.group())) + 1
    pos = first.end()
    steps: list[tuple[int, str]] = []
    while True:
        nxt = _step_marker(expected).search(text, pos)
        # a number out of sequence counts only when alone on its line or at a line start
        stray = _STRAY.search(text, pos)
        found = int(stray.group(1) or stray.group(2)) if stray else expected
        if found in (expected, 0):
            stray = None
        if stray and (nxt is None or stray.start() < nxt.start()):
            reader.warn(
                line_at(stray.end()),
                name,
                f"step {found} follows step {expected - 1}; expected {expected}",
            )
            nxt, expected = stray, found
        if nxt is None:
            steps.append((line_at(pos), text[pos:]))
            break
        steps.append((line_at(pos), text[pos : nxt.start()]))
        pos = nxt.end()
        expected += 1
    cleaned = [(n, " ".join(s.split())) for n, s in steps]
    for n, s in cleaned:
        if not s:
            reader.warn(n, name, "empty step ignored")
    return reader.unique(name, [(n, s) for n, s in cleaned if s])


def read_salary(reader: _Reader) -> list[SalaryBand]:
    """The salary bands of the 'Median Salary Range' section."""
    name = "Median Salary Range"
    lines = reader.section_lines(name)
    bands = []
    for index, ln in enumerate(lines):
        if _looks_like_heading(ln.text.strip()):
            reader.cut_unknown_heading(name, lines[index:], skip_first=False)
            break
        bands.append(_parse_salary(ln.text.strip(), ln.number, reader))
    return bands


def read_next_steps(reader: _Reader) -> list[str]:
    """The titles of the 'Recommended Next Steps' section."""
    return _parse_steps(reader.section_lines("Recommended Next Steps"), reader)


_ADJACENT = re.compile(
    r"\b(?:adjacent|similar|related|alternative)\s+(?:job\s+|role\s+)?titles?"
    r"(?:\s+(?:too|as well|also))?\s*(?::|such as|like|include|including)\s*",
    re.I,
)


def _split_titles(text: str) -> list[str]:
    """Split ``A, B, or C (D/E).`` into titles, never inside brackets."""
    depth, end = 0, len(text)
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0 and ch in ".;" and (i + 1 == len(text) or text[i + 1].isspace()):
            end = i
            break
    parts, depth, current = [], 0, ""
    for ch in text[:end]:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    titles: list[str] = []
    for index, part in enumerate(parts):
        part = part.strip()
        part = re.sub(r"^(?:or|and)\s+", "", part)
        pieces = [part]
        if index == len(parts) - 1 or len(parts) == 1:
            pieces = _split_outside(part, r"\s+or\s+")
            if len(parts) > 1:
                pieces = [p for piece in pieces for p in _split_outside(piece, r"\s+and\s+")]
        titles += [p.strip() for p in pieces if p.strip()]
    return titles


def _split_outside(text: str, pattern: str) -> list[str]:
    depths = [0]
    for ch in text:
        depths.append(depths[-1] + (ch == "(") - (ch == ")" and depths[-1] > 0))
    pieces, last = [], 0
    for m in re.finditer(pattern, text):
        if depths[m.start()] == 0:
            pieces.append(text[last : m.start()])
            last = m.end()
    pieces.append(text[last:])
    return pieces


def _adjacent_titles(steps: list[str], reader: _Reader) -> list[str]:
    titles: list[tuple[int, str]] = []
    for step in steps:
        for match in _ADJACENT.finditer(step):
            titles += [(0, t) for t in _split_titles(step[match.end() :])]
    seen: set[str] = set()
    result = []
    for _, title in titles:
        if title in seen:
            reader.warn(
                None, "Recommended Next Steps", f"duplicate adjacent title '{title}' ignored"
            )
            continue
        seen.add(title)
        result.append(title)
    return result
