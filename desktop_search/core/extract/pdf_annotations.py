"""The notes people write on a PDF's pages: sticky notes, comments on highlights and strike-outs, text
boxes (the annotations' ``/Contents``, with their author's name).

Readers keep them in the PDF (Acrobat, Okular, Preview, Evince, Edge), not in the page's text, so a
word written only in a note was not findable. They are read as lines at the end of their page's text:
"Note (Andrew Baumann): This is a nit." (the text they mark is in the page already). Links, form
fields and pop-up windows are no notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from desktop_search.core.extract.results import Part

NOT_NOTES = frozenset({"/Link", "/Widget", "/Popup"})
MAX_NOTES_PER_PAGE = 200  # a page can carry thousands of (generated) annotations; a reader's notes are few
MAX_NOTE_CHARS = 4000


def page_annotations(page: Any) -> list[Any]:
    """The annotations a page (a pypdf page) lists; [] when it has none or they cannot be read (a
    damaged annotation array costs what they hold, never the page)."""
    try:
        annotations = page.get("/Annots")
        return list(annotations.get_object() if annotations is not None else [])
    except Exception:
        return []


def distinct_lines(page: Any, line: Callable[[Any], str], most: int) -> list[str]:
    """``line`` of each of the page's annotations, in the order the page lists them, once each, at
    most ``most`` of them; annotations that give "" are left out."""
    lines: list[str] = []
    for ref in page_annotations(page)[: most * 4]:
        text = line(ref)
        if text and text not in lines:
            lines.append(text)
        if len(lines) >= most:
            break
    return lines


def page_notes(page: Any) -> list[str]:
    """The notes on ``page`` (a pypdf page), in the order the page lists them, once each."""
    return distinct_lines(page, _note, MAX_NOTES_PER_PAGE)


def _note(ref: Any) -> str:
    """One annotation as "Note (author): text", or "" when it holds no note."""
    try:
        annotation = ref.get_object()
        if annotation.get("/Subtype") in NOT_NOTES:
            return ""
        text = _plain(annotation.get("/Contents"))
        author = _plain(annotation.get("/T"))
    except Exception:
        return ""
    if not text:
        return ""
    text = " ".join(text.split())[:MAX_NOTE_CHARS]
    return f"Note ({author}): {text}" if author else f"Note: {text}"


def _plain(value: Any) -> str:
    """A PDF text string as Python text ("" for anything else)."""
    if value is None:
        return ""
    value = value.get_object() if hasattr(value, "get_object") else value
    return str(value).strip() if isinstance(value, str) else ""


def with_notes(parts: list[Part], notes: dict[int, list[str]]) -> list[Part]:
    """``parts`` with each page's notes (by page number) as lines after the page's last part; a page
    with notes and no part (no text of its own) gets a part of its own, in page order."""
    if not any(notes.values()):
        return parts
    out = list(parts)
    last_of_page = {part.page: i for i, part in enumerate(out) if part.page is not None}
    for page, lines in sorted(notes.items()):
        if not lines:
            continue
        text = "\n".join(lines)
        if page in last_of_page:
            i = last_of_page[page]
            out[i] = replace(out[i], text=f"{out[i].text.rstrip()}\n{text}")
        else:
            at = next((i for i, p in enumerate(out) if p.page is not None and p.page > page), len(out))
            out.insert(at, Part(text, page=page))
            last_of_page = {part.page: i for i, part in enumerate(out) if part.page is not None}
    return out
