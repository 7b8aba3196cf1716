"""Query highlighting for hits and passages the core sent without spans.

Runs in worker threads only (the bridge's search thread, the preview's text job): the UI thread paints
the spans it is given and never runs the matcher.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from desktop_search.core import SearchHit, Span, highlighter_for


def query_highlights(text: str, query: str) -> tuple[Span, ...]:
    """Spans of ``text`` matching the query's words, by the core's word-aware matcher (stems, phrases;
    stop words, those of the query's language too, and fragments inside other words are not painted)."""
    return highlighter_for(query).find(text)[0] if query.strip() else ()


def with_highlights(hits: Iterable[SearchHit], query: str) -> list[SearchHit]:
    """The hits (and their inline and further passages and translations) with the query's matches as
    highlights where they had none."""
    hits = list(hits)
    if not query.strip():
        return hits
    highlighter = highlighter_for(query)

    def filled(hit: SearchHit) -> SearchHit:
        spans = hit.highlights or highlighter.find(hit.text)[0]
        more = tuple(filled(m) for m in hit.more)
        inline = tuple(filled(m) for m in hit.inline)
        translations = tuple(filled(m) for m in hit.translations)
        if (
            spans == hit.highlights
            and all(a is b for a, b in zip(more, hit.more, strict=True))
            and all(a is b for a, b in zip(inline, hit.inline, strict=True))
            and all(a is b for a, b in zip(translations, hit.translations, strict=True))
        ):
            return hit
        return dataclasses.replace(hit, highlights=spans, more=more, inline=inline, translations=translations)

    return [filled(h) for h in hits]
