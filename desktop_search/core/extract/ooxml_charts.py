"""The words of an Office chart (``c:chartSpace``, a PPTX slide's or a DOCX page's chart part): its
title, its axes' titles, its series' names and its category labels, as lines of text.

A slide that shows "Revenue by region" only as a chart's title has no other text to be found by; the
numbers plotted (``c:numCache``) are left out, as a table of figures says nothing a search would ask.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from desktop_search.core.extract.safezip import local

MAX_CATEGORIES = 200  # labels kept per chart (a chart over every day of a year names 365)


def chart_lines(root: ET.Element) -> list[str]:
    """Title, axis titles, series names (joined), category labels (joined), in that order; no blanks."""
    titles: list[str] = []
    series: list[str] = []
    categories: list[str] = []
    for el in root.iter():
        tag = local(el.tag)
        if tag == "title":
            text = _rich_text(el) or _cached_strings(el)
            if text:
                titles.append(text)
        elif tag == "ser":
            for child in el:
                if local(child.tag) == "tx":
                    name = _cached_strings(child) or _rich_text(child)
                    if name:
                        series.append(name)
                elif local(child.tag) == "cat":
                    for label in _cached_values(child):
                        if label not in categories and len(categories) < MAX_CATEGORIES:
                            categories.append(label)
    lines = list(dict.fromkeys(titles))
    if series:
        lines.append(", ".join(dict.fromkeys(series)))
    if categories:
        lines.append(", ".join(categories))
    return lines


def _cached_values(el: ET.Element) -> list[str]:
    """The labels of a string cache (``c:strCache``/``c:multiLvlStrCache``) under ``el``; numbers none."""
    values: list[str] = []
    for cache in el.iter():
        if local(cache.tag) in ("strCache", "multiLvlStrCache", "strLit"):
            values.extend(
                v.text.strip() for v in cache.iter() if local(v.tag) == "v" and v.text and v.text.strip()
            )
    return values


def _cached_strings(el: ET.Element) -> str:
    return " ".join(_cached_values(el))


def _rich_text(el: ET.Element) -> str:
    return " ".join(t.text.strip() for t in el.iter() if local(t.tag) == "t" and t.text and t.text.strip())
