"""The letters of Chinese and Japanese as regex class bodies, shared by extraction (lines wrapped inside
words, OCR's spaces), the keyword index (runs cut into bigrams) and search (what a match paints).

The keyword index's wider class of scripts written without spaces (Thai, Khmer, Korean too) is built
from Unicode blocks in :mod:`desktop_search.core.store.unspaced`.
"""

from __future__ import annotations

HIRAGANA = "\u3041-\u3096\u309d-\u309f"  # letters, the iteration marks ゝゞ and the digraph ゟ
KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # with ー, small letters, half-width forms
HAN = (
    "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # 々〆〇, CJK unified ideographs, ext. A, compat.
)
CHINESE_JAPANESE = HIRAGANA + KATAKANA + HAN
