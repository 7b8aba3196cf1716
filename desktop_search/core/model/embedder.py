"""Turning text into vectors.

:class:`Embedder` is the small interface the rest of the core uses. :class:`SentenceTransformerEmbedder`
is the real one (lazy-loaded, device and precision chosen for the machine); the tests' fast fake lives in
``tests/support/fake_embedder.py``.

All vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from desktop_search.core.model.token_batches import length_sorted_batches, padded, truncate

log = logging.getLogger(__name__)

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
GiB = 1024**3


def clean_text(text: str) -> str:
    """NFC-normalise and strip, so composed and decomposed accents embed alike."""
    return unicodedata.normalize("NFC", text).strip()


class Embedder(Protocol):
    """What the indexer and search need from an embedding model."""

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input (prompt included) the model sees without truncation."""
        ...

    @property
    def batch_size(self) -> int: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of ``texts`` as the model sees them (special tokens included, no prompt)."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages: shape (len(texts), dimension), normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query: shape (dimension,), normalised."""
        ...


# ---------------------------------------------------------------------------------------------
# Device, precision and batch size choices (pure functions, unit-tested with fake torch modules)


def choose_device(preference: str, torch_module: Any) -> str:
    """Pick ``cuda``, ``mps`` or ``cpu``. ``preference`` is a setting: auto, cpu, cuda or mps.

    A preference the machine cannot honour falls back to the CPU with a warning rather than failing.
    """
    has_cuda = bool(torch_module.cuda.is_available())
    mps = getattr(getattr(torch_module, "backends", None), "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if preference == "cpu":
        return "cpu"
    if preference == "cuda":
        if has_cuda:
            return "cuda"
        log.warning("CUDA was asked for but is not available; using the CPU")
        return "cpu"
    if preference == "mps":
        if has_mps:
            return "mps"
        log.warning("MPS was asked for but is not available; using the CPU")
        return "cpu"
    if has_cuda:
        return "cuda"
    if has_mps:
        return "mps"
    return "cpu"


def default_precision(device: str) -> str:
    """Half precision on GPUs; on the CPU float32 unless calibration chose better."""
    return "float16" if device in ("cuda", "mps") else "float32"


CPU_PRECISIONS = ("float32", "bfloat16", "int8")
GPU_PRECISIONS = ("float16", "bfloat16", "float32")


def effective_precision(
    preference: str, device: str, override: str | None = None, cpu_auto: Callable[[], str] | None = None
) -> str:
    """The precision the model runs in: ``override`` (the environment) beats ``preference`` (a setting).

    ``auto`` is half precision on a GPU and, on the CPU, whatever ``cpu_auto`` returns (the calibrated
    choice, see :mod:`desktop_search.core.model.precision`), else float32. A precision the device cannot use
    (int8 on a GPU, float16 on the CPU) becomes the device's default.
    """
    wanted = override or preference
    if device == "cpu":
        if wanted == "auto":
            wanted = cpu_auto() if cpu_auto is not None else "float32"
        return wanted if wanted in CPU_PRECISIONS else "float32"  # fp16 matmuls are slow or missing on CPUs
    return wanted if wanted in GPU_PRECISIONS else default_precision(device)


def load_model(folder: Path | str, device: str, precision: str) -> Any:
    """A SentenceTransformer from a local ``folder`` on ``device`` in ``precision``.

    float32/bfloat16/float16 set the weights' dtype; int8 is PyTorch's dynamic quantisation of the
    Linear layers (CPU only) over float32 weights.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on every start
    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    dtype = dtypes.get(precision, torch.float32)
    model = SentenceTransformer(
        str(folder), device=device, local_files_only=True, model_kwargs={"dtype": dtype}
    )
    model.eval()
    if device == "cpu" and precision in ("float32", "int8"):
        from desktop_search.core.model.half_embeddings import compact_word_embeddings

        compact_word_embeddings(model)  # 366 MB → 183 MB for the default model, lossless
    if precision == "int8":
        import warnings

        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():  # deprecated in favour of torchao, still present in torch 2.13
            warnings.simplefilter("ignore", DeprecationWarning)
            model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return model


def choose_batch_size(device: str, free_gpu_bytes: int | None = None, configured: int = 0) -> int:
    """Batch size for document embedding.

    ``configured`` (a setting, 0 = auto) wins. On CUDA the batch grows with free memory (a 256-token
    batch of 128 needs well under 1 GiB for a small model); on the CPU a moderate batch keeps padding
    waste and latency low.
    """
    if configured > 0:
        return configured
    if device == "cuda":
        if free_gpu_bytes is None:
            return 64
        if free_gpu_bytes >= 8 * GiB:
            return 256
        if free_gpu_bytes >= 4 * GiB:
            return 128
        if free_gpu_bytes >= 2 * GiB:
            return 64
        return 16
    if device == "mps":
        return 64
    return 32


def uses_e5_prompts(model_name: str) -> bool:
    """E5-family models need ``query: `` / ``passage: `` prefixes."""
    return bool(re.search(r"(^|[/_-])(multilingual-)?e5([/_-]|$)", model_name.lower()))


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadProgress:
    """A step of model loading, for a status line."""

    message: str
    fraction: float | None = None  # 0..1 when known (downloads)


class SentenceTransformerEmbedder:
    """The real embedder: a sentence-transformers model loaded lazily on first use.

    ``model_folder`` is a resolved local folder (see :mod:`desktop_search.core.model.source`).
    Loading is thread-safe; call :meth:`load` from a worker thread to keep a UI responsive.

    ``precision`` is a setting (auto, float32, bfloat16, float16, int8); ``DESKTOP_SEARCH_PRECISION``
    overrides it. With ``auto`` on the CPU, ``cpu_precision(model_name, folder)`` gives the calibrated
    choice (:func:`desktop_search.core.model.precision.resolve_cpu_precision`; float32 without it). After
    loading, :attr:`precision` is the one in effect: a precision that fails to load or to encode (fp16
    on some MPS machines) falls back to float32. Queries and documents use the same model.
    """

    def __init__(
        self,
        model_name: str,
        model_folder: Path | Callable[[], Path],
        device: str = "auto",
        precision: str = "auto",
        batch_size: int = 0,
        cpu_precision: Callable[[str, Path], str] | None = None,
    ) -> None:
        self._model_name = model_name
        self._cpu_precision = cpu_precision
        self._folder_source = model_folder
        self._device_pref = device
        self._precision_pref = precision
        self._configured_batch = batch_size
        self._lock = threading.Lock()
        self._model: Any = None
        self._shared_tokenizer: SharedTokenizer | None = None
        self._documents_lock = threading.Lock()
        self.device = ""
        self.precision = ""
        self._batch_size = 0
        self._prompts = uses_e5_prompts(model_name)

    # -- loading -------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> SentenceTransformerEmbedder:
        """Load the model now (idempotent). Imports torch: never call on a UI thread."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self

    def _load(self) -> Any:
        # resolve the folder first: a missing model is reported at once, before torch is imported
        folder = self._folder_source() if callable(self._folder_source) else self._folder_source
        import torch

        from desktop_search.core.model.precision import env_precision

        device = choose_device(self._device_pref, torch)
        precision = effective_precision(
            self._precision_pref,
            device,
            env_precision(),
            (lambda: self._cpu_precision(self._model_name, folder)) if self._cpu_precision else None,
        )
        log.info("loading model %s from %s on %s (%s)", self._model_name, folder, device, precision)
        try:
            model = load_model(folder, device, precision)
            if precision != "float32":
                _check_encodes(model)
        except Exception as exc:
            if precision == "float32":
                raise
            log.warning("%s failed on %s (%s); using float32", precision, device, exc)
            precision = "float32"
            model = load_model(folder, device, precision)
        free = None
        if device == "cuda":
            free, _total = torch.cuda.mem_get_info()
        self.device = device
        self.precision = precision
        self._batch_size = choose_batch_size(device, free, self._configured_batch)
        import gc

        gc.collect()
        release_freed_memory()
        return model

    @property
    def model(self) -> Any:
        return self.load()._model

    # -- Embedder interface ----------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def batch_size(self) -> int:
        self.load()
        return self._batch_size

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    @property
    def shared_tokenizer(self) -> SharedTokenizer:
        """The one tokenizer all threads use (counting, queries, documents): :class:`SharedTokenizer`."""
        model = self.model
        if self._shared_tokenizer is None:
            with self._lock:
                if self._shared_tokenizer is None:
                    self._shared_tokenizer = SharedTokenizer(model.tokenizer)
        return self._shared_tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts (special tokens included, no prompt)."""
        if not texts:
            return []
        return [len(ids) for ids in self.shared_tokenizer.encode([clean_text(t) for t in texts])]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._documents_lock:
            prompt = self._prompt(("document", "passage"), PASSAGE_PROMPT)
            rows = self.shared_tokenizer.encode([prompt + clean_text(t) for t in texts])
            vectors = self._embed_rows(rows)
            release_freed_memory()  # the batch's activations
            return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """One query: tokenized by the shared tokenizer and run as a batch of one.

        Only the (read-only) weights and tokenizer are shared with the document path, so a search never
        waits for, nor corrupts, an indexing batch.
        """
        rows = self.shared_tokenizer.encode([self._prompt(("query",), QUERY_PROMPT) + clean_text(text)])
        if self.device != "cpu":
            return self._embed_rows(rows)[0]
        import torch

        # one short text gains nothing from a second core (28 ms either way here), and the search's
        # keyword leg runs on the other core meanwhile; the setting is per thread
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._embed_rows(rows)[0]
        finally:
            torch.set_num_threads(threads)

    def _prompt(self, names: tuple[str, ...], e5_default: str) -> str:
        """The model's saved prompt under the first of ``names`` it has, else E5's prefix for E5 models."""
        prompts = getattr(self.model, "prompts", {}) or {}
        saved = next((prompts[n] for n in names if prompts.get(n)), None)
        if saved:
            return str(saved)
        return e5_default if self._prompts else ""

    def _embed_rows(self, rows: Sequence[Sequence[int]]) -> np.ndarray:
        """Normalised float32 vectors of tokenized texts, in length-sorted batches of :attr:`batch_size`.

        The same forward pass as ``SentenceTransformer.encode`` (modules, pooling, normalisation) without
        its tokenizer calls, which switch the shared tokenizer's padding on and off.
        """
        import torch  # already loaded with the model

        model = self.model
        rows = [truncate(r, self.max_tokens) for r in rows]
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        pad_id = self.shared_tokenizer.pad_id
        done = []  # kept on the device until the end: no sync per batch on a GPU
        for batch in length_sorted_batches([len(r) for r in rows], self._batch_size):
            ids, mask = padded([rows[i] for i in batch], pad_id)
            features = {
                "input_ids": torch.from_numpy(ids).to(model.device),
                "attention_mask": torch.from_numpy(mask).to(model.device),
            }
            with torch.inference_mode():
                vectors = model(features)["sentence_embedding"].float()
                done.append((batch, vectors / vectors.norm(dim=1, keepdim=True).clamp_min(1e-12)))
        for batch, vectors in done:
            out[batch] = vectors.cpu().numpy()
        return out


class SharedTokenizer:
    """A model's fast tokenizer, shared by all threads with padding and truncation off.

    ``transformers`` switches padding and truncation on and off around each call of its tokenizer
    wrapper, which breaks batches tokenized at the same moment on another thread; a private copy per
    thread avoids that but costs about 260 MB each for a 250k-word vocabulary. So the app never calls
    the wrapper: it encodes through the wrapper's backend (``tokenizers.Tokenizer``, whose ``encode``
    calls may run in parallel) and truncates and pads itself (:mod:`token_batches`).
    """

    def __init__(self, hf_tokenizer: Any) -> None:
        self._wrapper = hf_tokenizer
        self._backend = getattr(hf_tokenizer, "backend_tokenizer", None)  # None for a "slow" tokenizer
        self._lock = threading.Lock()
        pad_id = getattr(hf_tokenizer, "pad_token_id", None)
        self.pad_id = int(pad_id) if pad_id is not None else 0
        self._reset()

    def _reset(self) -> None:
        if self._backend is None:
            return
        with self._lock:
            if self._backend.padding is not None:
                self._backend.no_padding()
            if self._backend.truncation is not None:
                self._backend.no_truncation()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, special tokens included, neither padded nor truncated."""
        if self._backend is None:  # a pure-Python tokenizer has no shared padding state, but is slow
            with self._lock:
                return [list(ids) for ids in self._wrapper(list(texts), add_special_tokens=True)["input_ids"]]
        if self._backend.padding is not None or self._backend.truncation is not None:
            self._reset()  # only after someone used ``SentenceTransformer.encode`` on this model
        return [e.ids for e in self._backend.encode_batch(list(texts), add_special_tokens=True)]


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


def _check_encodes(model: Any) -> None:
    """Encode one short text; raise if this precision fails or gives non-finite vectors on this device."""
    vector = model.encode(["passage: ok"], convert_to_tensor=True, show_progress_bar=False)
    if not bool(vector.float().isfinite().all()):
        raise ValueError("non-finite embedding")
