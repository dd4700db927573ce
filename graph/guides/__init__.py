"""Career guides: scraped guide text -> a :class:`Guide`.

Examples
--------
>>> from graph.guides import parse_text
>>> text = "Role|Key Responsibilities|- Do|Top Skills for Success|X|Can Lead To|Lead"
>>> parse_text(text.replace("|", chr(10))).can_lead_to
['Lead']
"""

from __future__ import annotations

from graph.guides.model import GUIDE_KEYS, Guide, SalaryBand
from graph.guides.parser import parse_file, parse_text

__all__ = ["Guide", "SalaryBand", "GUIDE_KEYS", "parse_text", "parse_file"]
