"""The notes and comments of Office Open XML documents: a DOCX's footnotes, endnotes and comments (as
lines after the paragraph that cites them), an XLSX sheet's cell comments (after its rows) and a PPTX
slide's comments (after its text), each with its author: "Comment (Ann, B7): check the rent"."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from desktop_search.core.extract.ooxml_parts import attr, paragraph_text, relationships
from desktop_search.core.extract.results import comment_line
from desktop_search.core.extract.safezip import SafeZip, local

_NOTE_PARTS = {"footnotes.xml": "footnote", "endnotes.xml": "endnote", "comments.xml": "comment"}
_NOTE_REFERENCES = {
    "footnoteReference": "footnote",
    "endnoteReference": "endnote",
    "commentReference": "comment",
}
_NOT_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})  # the rules above notes


def docx_notes(z: SafeZip, rels: dict[str, str]) -> dict[tuple[str, str], str]:
    """The document's footnotes, endnotes and comments by (kind, id); a comment as "Comment (author): …"."""
    found: dict[tuple[str, str], str] = {}
    for target in sorted(set(rels.values())):
        kind = _NOTE_PARTS.get(target.rsplit("/", 1)[-1])
        if kind is None or not z.has(target):
            continue
        for note in z.xml(target):
            if local(note.tag) != kind or attr(note, "type") in _NOT_NOTES:
                continue
            paragraphs = (" ".join(paragraph_text(p).split()) for p in note.iter() if local(p.tag) == "p")
            text = " ".join(t for t in paragraphs if t)
            if text and kind == "comment":
                author = (attr(note, "author") or "").strip()
                text = comment_line(text, author)
            if text:
                found[(kind, attr(note, "id") or "")] = text
    return found


def docx_asides(block: ET.Element, notes: dict[tuple[str, str], str]) -> list[str]:
    """The notes and comments ``block`` refers to, in the order it does, once each."""
    lines: list[str] = []
    for el in block.iter():
        kind = _NOTE_REFERENCES.get(local(el.tag))
        text = notes.get((kind, attr(el, "id") or "")) if kind else None
        if text and text not in lines:
            lines.append(text)
    return lines


def cell_comments(z: SafeZip, sheet: str) -> list[str]:
    """A sheet's cell comments (its ``comments*.xml``), one line each after its rows:
    "Comment (Ann, B7): check the rent"."""
    lines: list[str] = []
    for target in sorted(set(relationships(z, sheet).values())):
        name = target.rsplit("/", 1)[-1]
        if not (name.startswith("comments") and name.endswith(".xml")) or not z.has(target):
            continue
        root = z.xml(target)
        authors = [" ".join("".join(a.itertext()).split()) for a in root.iter() if local(a.tag) == "author"]
        for comment in (c for c in root.iter() if local(c.tag) == "comment"):
            body = next((t for t in comment if local(t.tag) == "text"), None)
            text = " ".join(paragraph_text(body).split()) if body is not None else ""
            if not text:
                continue
            index = int(attr(comment, "authorId") or -1)
            who = [
                w for w in (authors[index] if 0 <= index < len(authors) else "", attr(comment, "ref")) if w
            ]
            lines.append(comment_line(text, ", ".join(who)))
    return lines


COMMENT_AUTHORS = ("ppt/commentAuthors.xml", "ppt/authors.xml")  # PowerPoint's classic and modern lists


def slide_comments(z: SafeZip, slide_rels: dict[str, str]) -> list[str]:
    """A slide's comments and their replies (classic ``p:cm`` or modern ``p188:cm``), one line each."""
    lines: list[str] = []
    names: dict[str, str] | None = None
    for target in sorted(set(slide_rels.values())):
        name = target.rsplit("/", 1)[-1].lower()
        if not (name.endswith(".xml") and ("comment" in name) and "author" not in name) or not z.has(target):
            continue
        if names is None:
            names = _comment_authors(z)
        for el in z.xml(target).iter():
            if local(el.tag) not in ("cm", "reply"):
                continue
            own = [c for c in el if local(c.tag) in ("text", "txBody")]  # classic: plain text; modern: runs
            text = " ".join(" ".join("".join(c.itertext()).split()) for c in own).strip()
            if text:
                author = names.get(attr(el, "authorId") or "", "")
                lines.append(comment_line(text, author))
    return lines


def _comment_authors(z: SafeZip) -> dict[str, str]:
    """Comment author ids -> names, from PowerPoint's lists of comment authors."""
    names: dict[str, str] = {}
    for part in COMMENT_AUTHORS:
        if z.has(part):
            for el in z.xml(part).iter():
                ident, name = attr(el, "id"), attr(el, "name")
                if ident is not None and name:
                    names[ident] = name
    return names
