"""Which language a text is written in: py3langid, a naive Bayes model over byte n-grams (97 languages,
about 0.15 ms for a passage, its model loaded once, on first use, in about a second).

Cross-language search needs the language of a query and of the index's passages (see
:mod:`desktop_search.core.search.language_centroids`). A short query says little about its language
("ssh", "apt pinning"), so :func:`choose_among` picks among the languages the index holds and says how
sure it is, and its caller decides what an unsure answer means.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from functools import cache
from typing import Any

log = logging.getLogger(__name__)


class LanguageGuesser:
    """Guesses languages (ISO 639-1 codes such as ``en``, ``de``, ``ja``); safe to share between threads."""

    def __init__(self) -> None:
        self._identifier: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

                self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            return self._identifier

    def guess(self, text: str) -> str:
        """The most likely language of ``text`` among all the model knows."""
        return str(self._model().classify(text)[0])

    def sure(self, text: str, confidence: float = 0.9) -> str | None:
        """The language of ``text`` when the model gives it at least ``confidence``, else None (short
        queries such as "apt pinning" or "cold war museum" are rarely that sure)."""
        probabilities = self.probabilities(text)
        likeliest = max(probabilities, key=lambda lang: probabilities[lang], default=None)
        return likeliest if likeliest is not None and probabilities[likeliest] >= confidence else None

    def probabilities(self, text: str) -> dict[str, float]:
        """Every language the model knows with its probability for ``text`` (summing to 1)."""
        return {str(lang): float(p) for lang, p in self._model().rank(text)}


def choose_among(probabilities: dict[str, float], among: Collection[str]) -> tuple[str | None, float]:
    """The most likely of the languages ``among`` given :meth:`LanguageGuesser.probabilities`, and its
    probability among them (0-1); ``(None, 0.0)`` when ``among`` is empty or the text had nothing to go by."""
    scores = {lang: p for lang, p in probabilities.items() if lang in among}
    total = sum(scores.values())
    if total <= 0.0:
        return None, 0.0
    best = max(scores, key=lambda lang: scores[lang])
    return best, scores[best] / total


@cache
def shared_guesser() -> LanguageGuesser:
    """One guesser for the process (its model is loaded once)."""
    return LanguageGuesser()


def sure_language(text: str) -> str | None:
    """The language of ``text`` when the shared guesser is sure of it (:meth:`LanguageGuesser.sure`);
    None when unsure, or when the language model cannot be loaded (logged)."""
    try:
        return shared_guesser().sure(text)
    except Exception:
        log.warning("could not guess the language of a query", exc_info=True)
        return None
