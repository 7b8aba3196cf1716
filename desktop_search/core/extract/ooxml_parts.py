"""Reading Office Open XML packages: a part's relationships, attributes by local name, and the text of
runs and paragraphs (deleted text, field codes and fallbacks left out). Shared by :mod:`.ooxml` and
:mod:`.ooxml_notes`."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from desktop_search.core.extract.safezip import SafeZip, local, resolve

_SKIP = frozenset({"delText", "instrText", "Fallback", "del", "rPh", "moveFrom"})


def attr(el: ET.Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


def rel_id(el: ET.Element) -> str:
    """The namespaced r:id attribute (not the plain ``id`` that some elements also carry)."""
    for key, value in el.attrib.items():
        if key.startswith("{") and local(key) == "id":
            return value
    return ""


def run_text(el: ET.Element, out: list[str]) -> None:
    """Text of a paragraph-like element: w:t/a:t, tabs, breaks; deleted text and fallbacks skipped."""
    for child in el:
        tag = local(child.tag)
        if tag in _SKIP:
            continue
        if tag == "t":
            out.append(child.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "p":
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            run_text(child, out)
        else:
            run_text(child, out)


def paragraph_text(p: ET.Element) -> str:
    out: list[str] = []
    run_text(p, out)
    return "".join(out)


def relationships(z: SafeZip, part: str) -> dict[str, str]:
    """Relationship id -> target member path for ``part``."""
    rels_path = resolve(part, f"_rels/{part.rsplit('/', 1)[-1]}.rels")
    if not z.has(rels_path):
        return {}
    targets: dict[str, str] = {}
    for rel in z.xml(rels_path):
        rid, target, mode = rel.get("Id"), rel.get("Target"), rel.get("TargetMode")
        if rid and target and mode != "External":
            targets[rid] = resolve(part, target)
    return targets
