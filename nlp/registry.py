"""The agency registry: canonical Thai government organisations and every way they are written.

Data: ``nlp/data/agencies.jsonl`` (one agency per line), built by ``scripts/build_registry.py``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "agencies.jsonl"
_SPACE = re.compile(r"[\s\u200b\u00a0]+")
_CONSONANT = re.compile(r"[ก-ฮ]")


def key(surface: str) -> str:
    """Lookup key of a written name: NFC, no spaces, no trailing ฯ / dot, Thai digits as Arabic."""
    s = unicodedata.normalize("NFC", surface).replace("\u0e4d\u0e32", "\u0e33")
    s = s.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    s = _SPACE.sub("", s)
    return s.rstrip("ฯ").rstrip(".").strip()


def letters_in_order(abbreviation: str, name: str) -> bool:
    """Do the abbreviation's Thai consonants occur in order in the name (สป.มท. ~ สำนักงานปลัดกระทรวงมหาดไทย)?"""
    pos = 0
    for ch in _CONSONANT.findall(key(abbreviation).removeprefix("สำนักงาน")):
        pos = name.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


@dataclass(frozen=True)
class Entry:
    """One canonical organisation."""

    id: str
    name: str
    kind: str
    abbreviation: str | None = None
    aliases: tuple[str, ...] = ()
    english: str | None = None
    parent: str | None = None
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every written form: full name, abbreviation, aliases."""
        forms = [self.name, *([self.abbreviation] if self.abbreviation else []), *self.aliases]
        return tuple(dict.fromkeys(forms))


class Registry:
    """Entries by id and by the key of every written form."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._by_id: dict[str, Entry] = {}
        self._by_key: dict[str, Entry] = {}
        for e in entries:
            if e.id in self._by_id:
                raise ValueError(f"duplicate agency id {e.id!r}")
            self._by_id[e.id] = e
        # full names win over aliases when two entries share a form
        for rank in ("name", "other"):
            for e in self._by_id.values():
                forms = [e.name] if rank == "name" else list(e.surfaces[1:])
                for form in forms:
                    self._by_key.setdefault(key(form), e)

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        with (path or DATA).open(encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        return cls(
            Entry(
                id=r["id"],
                name=r["name"],
                kind=r["kind"],
                abbreviation=r.get("abbreviation"),
                aliases=tuple(r.get("aliases") or ()),
                english=r.get("english"),
                parent=r.get("parent"),
                sources=tuple(r.get("sources") or ()),
            )
            for r in rows
        )

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._by_id.values())

    def get(self, agency_id: str) -> Entry | None:
        return self._by_id.get(agency_id)

    def lookup(self, surface: str) -> Entry | None:
        """The entry written as ``surface`` (spacing, trailing ฯ and dots ignored)."""
        return self._by_key.get(key(surface))

    def surfaces(self) -> Iterator[tuple[str, Entry]]:
        """Every (written form, entry) pair."""
        for e in self._by_id.values():
            for form in e.surfaces:
                yield form, e

    def descendants(self, agency_id: str) -> set[str]:
        """``agency_id`` and the ids of all units under it."""
        children: dict[str, list[str]] = {}
        for e in self._by_id.values():
            if e.parent:
                children.setdefault(e.parent, []).append(e.id)
        out, todo = set(), [agency_id]
        while todo:
            current = todo.pop()
            if current not in out:
                out.add(current)
                todo.extend(children.get(current, ()))
        return out


@cache
def registry() -> Registry:
    """The registry shipped with Mati (loaded once)."""
    return Registry.load()
