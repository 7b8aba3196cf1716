"""Temporary: the three names ``core/engine.py`` still imports from here, until its rewrite imports them
from :mod:`desktop_search.core.model.protocol`. Delete this module then."""

from desktop_search.core.model.protocol import Embedder, HashEmbedder, LoadProgress

__all__ = ["Embedder", "HashEmbedder", "LoadProgress"]
