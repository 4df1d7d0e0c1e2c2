"""The meeting record: the one data model every layer uses (see ../shared/RECORD.md).

Spans are ``[start, end)`` character offsets into ``Document.text``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]


class Kind(StrEnum):
    """What a resolution decides."""

    approve = "approve"
    acknowledge = "acknowledge"
    assign = "assign"
    reject = "reject"
    defer = "defer"
    other = "other"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Page(_Model):
    """How one page of a paged document was read."""

    number: int
    method: str = "text"  # "text" (text layer) or "ocr"
    confidence: float | None = None


class Document(_Model):
    id: str = Field(description="sha256 of the uploaded bytes")
    source_name: str
    media_type: str
    title: str = ""
    published: dt.date | None = None
    text: str = Field(description="the cleaned, normalised text that spans point into")
    pages: list[Page] = Field(default_factory=list)


class Named(_Model):
    """A name found in the text (a body or a person)."""

    name: str
    abbreviation: str | None = None
    agency: str | None = Field(default=None, description="registry id when the name is an agency")
    role: str | None = None
    span: Span | None = None


class Meeting(_Model):
    body: Named | None = None
    session: str | None = Field(default=None, description='as written, Arabic digits: "2/2563"')
    date: dt.date | None = None
    start_time: str | None = Field(default=None, description="HH:MM")
    end_time: str | None = None
    venue: str | None = None
    online_platform: str | None = None
    chair: Named | None = None
    participants: list[Named] = Field(default_factory=list)


class Resolution(_Model):
    number: str | None = None
    kind: Kind = Kind.other
    text: str
    span: Span
    agencies: list[str] = Field(default_factory=list, description="agency ids")
    deadlines: list[int] = Field(default_factory=list, description="indexes into Record.deadlines")
    items: list[str] = Field(default_factory=list)


class Agency(_Model):
    id: str
    name: str
    abbreviation: str | None = None
    aliases: list[str] = Field(default_factory=list)
    english: str | None = None
    kind: str | None = None
    parent: str | None = None
    mentions: list[Span] = Field(default_factory=list)


class Deadline(_Model):
    text: str
    start: dt.date | None = None
    end: dt.date
    span: Span
    basis: str = Field(default="date", description="date | month | year | range | fiscal_year | duration")


class Action(_Model):
    agency: str = Field(description="the agency as named (its abbreviation when it has one)")
    agency_id: str | None = None
    task: str
    due: dt.date | None = None
    resolution: str | None = None
    span: Span


class Record(_Model):
    document: Document
    meeting: Meeting = Field(default_factory=Meeting)
    resolutions: list[Resolution] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)

    def to_json(self, **kw: object) -> str:
        """The contract JSON (``mati extract --format json``)."""
        return self.model_dump_json(**kw)  # type: ignore[arg-type]
