"""Loading a sentence-transformers model from a local folder in a given device and precision, checking
that it encodes, and handing the memory freed on the way back to the OS.

torch and sentence-transformers are imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# oneDNN (torch's bfloat16 and float16 kernels on the CPU) keeps compiled kernels for up to 1,024 input
# shapes; length-sorted batches give nearly every batch a shape of its own, so the cache grew by
# about 250 MB over an index run (peak RSS 1,813-1,877 MB in four runs of benchmarks/indexing.py
# --limit 2000 on a bfloat16 CPU, 1,592-1,612 MB in three with 8) at no measured speed cost: the
# kernels of one batch are reused across its twelve layers, and a new shape's are built in
# milliseconds. A value the user set is kept.
ONEDNN_PRIMITIVE_CACHE = "8"


def bound_kernel_cache() -> None:
    """Cap oneDNN's kernel cache (see :data:`ONEDNN_PRIMITIVE_CACHE`); read when it is first used."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_PRIMITIVE_CACHE)


def load_model(folder: Path | str, device: str, precision: str) -> Any:
    """A SentenceTransformer from a local ``folder`` on ``device`` in ``precision``.

    float32/bfloat16/float16 set the weights' dtype; int8 is PyTorch's dynamic quantisation of the
    Linear layers (CPU only) over float32 weights.
    """
    bound_kernel_cache()
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on every start
    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    dtype = dtypes.get(precision, torch.float32)
    compact = device == "cpu" and precision in ("float32", "int8")
    # a float16 checkpoint is loaded as it is stored and widened after its word table is set aside:
    # the same float32 weights, without a float32 copy of the 250k-word table (−330 MB at the peak)
    widen = compact and stored_in_float16(Path(folder))
    model = SentenceTransformer(
        str(folder),
        device=device,
        local_files_only=True,
        model_kwargs={"dtype": torch.float16 if widen else dtype},
    )
    model.eval()
    if compact:
        from desktop_search.core.model.half_embeddings import compact_word_embeddings

        compact_word_embeddings(model)  # 366 MB → 183 MB for the default model, lossless
        if widen:
            model.float()  # the other weights; the float16 word table is not a parameter
    if precision == "int8":
        import warnings

        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():  # deprecated in favour of torchao, still present in torch 2.13
            warnings.simplefilter("ignore", DeprecationWarning)
            model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return model


def stored_in_float16(folder: Path) -> bool:
    """Whether ``folder``'s weights (``model.safetensors``) are all float16, read from the file's header."""
    import json
    import struct

    try:
        with (folder / "model.safetensors").open("rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            if not 0 < size < 100_000_000:
                return False
            header = json.loads(fh.read(size))
    except (OSError, ValueError, struct.error):
        return False
    dtypes = {v.get("dtype") for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)}
    return dtypes == {"F16"}


def drop_weights(model: Any) -> None:
    """Free the torch weights of a model that another encoder (ONNX) has replaced: its modules move to
    PyTorch's ``meta`` device (shapes without storage). The model keeps its tokenizer, prompts and
    settings, which is all the app reads from it afterwards; it can no longer encode."""
    if model is None:
        return
    try:
        from desktop_search.core.model.half_embeddings import drop_tables

        drop_tables(model)
        model.to("meta")
    except Exception:  # an unusual module that cannot move: keep the weights, only memory is lost
        import logging

        logging.getLogger(__name__).warning("cannot drop the torch weights", exc_info=True)


def drop_tokenizer(model: Any) -> None:
    """Free the fast tokenizer of a model whose weights are dropped and whose texts another tokenizer
    (SentencePiece) cuts: about 270 MB for a 250k-piece vocabulary. It can no longer tokenize.

    sentence-transformers holds it in its first module and in that module's helpers (6.x: the
    ``processor`` and an ``InputFormatter``); every such reference is cleared."""
    tokenizer = getattr(model, "tokenizer", None) if model is not None else None
    if tokenizer is None:
        return
    first = model[0]
    for holder in (first, *vars(first).values()):
        attributes = getattr(holder, "__dict__", None)
        if not isinstance(attributes, dict):
            continue
        for name, value in list(attributes.items()):
            if value is tokenizer:
                attributes[name] = None


def check_encodes(model: Any) -> None:
    """Encode one short text; raise if this precision fails or gives non-finite vectors on this device."""
    vector = model.encode(["passage: ok"], convert_to_tensor=True, show_progress_bar=False)
    if not bool(vector.float().isfinite().all()):
        raise ValueError("non-finite embedding")


def release_freed_memory() -> None:
    """Hand freed heap memory back to the OS (glibc keeps it otherwise: loading the fp16 weights as
    float32 and every batch's activations leave hundreds of MB of free heap counted in the RSS)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        pass
