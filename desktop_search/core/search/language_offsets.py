"""What sets a language apart in the model's space, measured on built-in parallel sentences.

:mod:`~desktop_search.core.search.language_centroids` takes a query's language out of it with the
index's own passages in that language. A query in a language the index has no passages in (a German
question over English and French manuals) had nothing to take out, so its German pulled it toward
whatever sits near every language (code listings, tables) instead of the pages that answer.

``language_reference.json`` holds the same 16 sentences (manual steps, everyday notices, a question)
in 16 languages, written for this purpose. Embedded like passages, the mean of one language less the
mean of all languages is that language's offset: the content is the same in every language, so what is
left is the language. Measured when a query first needs them (256 short sentences: 0.75 s on a
2-core CPU with the int8 encoder) and kept in the index's ledger with the model's name and the
reference's hash, so a later session reads them back instead of embedding again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np

from desktop_search.core.model.protocol import Embedder
from desktop_search.core.store.ledger import Ledger

log = logging.getLogger(__name__)

REFERENCE_FILE = Path(__file__).with_name("language_reference.json")
META_KEY = "language_offsets"  # the ledger's record of the offsets last measured


@cache
def reference_sentences() -> dict[str, tuple[str, ...]]:
    """The built-in parallel sentences, by language (ISO 639-1, as the language guesser names them)."""
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return {str(lang): tuple(str(s) for s in sentences) for lang, sentences in data.items()}


def measure_offsets(embedder: Embedder, reference: dict[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """Each language's mean passage vector less the mean of all languages' means."""
    languages = [lang for lang, sentences in reference.items() if sentences]
    texts = [s for lang in languages for s in reference[lang]]
    if not texts:
        return {}
    vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    means, start = {}, 0
    for lang in languages:
        count = len(reference[lang])
        means[lang] = vectors[start : start + count].mean(axis=0)
        start += count
    overall = np.mean(np.stack(list(means.values())), axis=0)
    return {lang: (mean - overall).astype(np.float32) for lang, mean in means.items()}


class LanguageOffsets:
    """The reference offsets of one embedder, measured on first use (or read back from ``ledger``);
    none when that fails."""

    def __init__(
        self,
        embedder: Embedder,
        reference: dict[str, tuple[str, ...]] | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.embedder = embedder
        self._reference = reference
        self._ledger = ledger
        self._offsets: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def apart_from(self, language: str, shares: Mapping[str, float]) -> np.ndarray | None:
        """What sets ``language`` apart from an index written in the languages of ``shares`` (each
        with its share of the index): its offset less the shares' mean of theirs (the reference's
        languages only; its plain offset when the reference knows none of them). None when the
        reference lacks ``language``."""
        offsets = self.all()
        own = offsets.get(language)
        if own is None:
            return None
        known = {lang: share for lang, share in shares.items() if lang in offsets and share > 0}
        total = sum(known.values())
        if total <= 0:
            return own
        return (own - sum(share / total * offsets[lang] for lang, share in known.items())).astype(np.float32)

    def all(self) -> dict[str, np.ndarray]:
        """Every language's offset (read back or measured now, on first use)."""
        with self._lock:
            if self._offsets is None:
                try:
                    reference = self._reference if self._reference is not None else reference_sentences()
                    signature = self._signature(reference)
                    self._offsets = self._read(signature)
                    if self._offsets is None:
                        self._offsets = measure_offsets(self.embedder, reference)
                        self._keep(signature, self._offsets)
                except Exception:  # queries in a language the index lacks are then left as they are
                    log.warning("could not measure the reference language offsets", exc_info=True)
                    self._offsets = {}
            return self._offsets

    def _signature(self, reference: dict[str, tuple[str, ...]]) -> dict[str, str]:
        text = json.dumps(reference, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return {
            "model": str(getattr(self.embedder, "model_name", "")),
            "reference": hashlib.sha256(text).hexdigest(),
        }

    def _read(self, signature: dict[str, str]) -> dict[str, np.ndarray] | None:
        """The offsets the ledger keeps for this model and reference, if any (a damaged record: none)."""
        if self._ledger is None:
            return None
        try:
            record = json.loads(self._ledger.get_meta(META_KEY) or "null")
            if not isinstance(record, dict) or any(record.get(k) != v for k, v in signature.items()):
                return None
            return {str(lang): np.asarray(v, dtype=np.float32) for lang, v in record["offsets"].items()}
        except Exception:
            log.info("the kept language offsets could not be read; measuring them again", exc_info=True)
            return None

    def _keep(self, signature: dict[str, str], offsets: dict[str, np.ndarray]) -> None:
        if self._ledger is None:
            return
        record = {
            **signature,
            "offsets": {lang: [round(float(x), 7) for x in v] for lang, v in offsets.items()},
        }
        try:
            self._ledger.set_meta(META_KEY, json.dumps(record))
        except Exception:  # a busy or read-only index: measured again next session
            log.info("could not keep the language offsets in the index", exc_info=True)
