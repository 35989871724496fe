"""iCalendar text (RFC 5545) for the timetable, written here because the `icalendar` package
is not among the project's dependencies. Only what a published list of events needs: one
VCALENDAR with METHOD:PUBLISH, VEVENTs with times in UTC (so no VTIMEZONE), TEXT values
escaped (3.3.11), content lines folded at 75 octets without splitting a UTF-8 character
(3.1), every line ended by CRLF."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Bawaslu//LMS Bawaslu//ID"
CRLF = "\r\n"
MAX_OCTETS = 75
# Control characters TEXT may not carry (3.3.11: anything below 0x20 but HTAB, and DEL);
# newlines are escaped before this is applied.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, each newline written as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def _uri(value: str) -> str:
    """A URI value is not escaped, but may not break the line it is on."""
    return _CONTROL.sub("", value.replace("\r", "").replace("\n", "")).replace("\t", "")


def fold(line: str) -> str:
    """One content line, folded so that no physical line passes 75 octets (CRLF excluded):
    each continuation starts with a space, which counts in its line's octets."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    start, limit = 0, MAX_OCTETS
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        # Never cut inside a character: step back over UTF-8 continuation bytes.
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(encoded[start:end].decode("utf-8"))
        start, limit = end, MAX_OCTETS - 1
    return (CRLF + " ").join(parts)


def format_utc(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC ("form #2"): 20261207T020000Z."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: CalendarEvent, *, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{_uri(event.url)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(events: Iterable[CalendarEvent], *, name: str, now: datetime.datetime) -> str:
    """The whole iCalendar object; `name` is what calendar apps show for a subscribed feed."""
    stamp = format_utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
