"""The real embedder: :class:`SentenceTransformerEmbedder`, a sentence-transformers model loaded lazily
on first use, with the device and precision chosen for the machine (:mod:`device`), E5 prompts, and its
own tokenize-pad-forward path over the shared tokenizer; int8 on the CPU runs the model's ONNX export
(:mod:`desktop_search.core.model.int8_path`) behind the same path, for documents and queries alike."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core.model.compact_tokenizer import CompactTokenizer, compact_tokenizer
from desktop_search.core.model.device import (
    choose_batch_size,
    choose_device,
    device_without_torch,
    effective_precision,
    physical_cores,
)
from desktop_search.core.model.int8_path import Int8Path
from desktop_search.core.model.loading import (
    check_encodes,
    drop_tokenizer,
    drop_weights,
    load_model,
    release_freed_memory,
)
from desktop_search.core.model.onnx_only import OnnxOnlyModel
from desktop_search.core.model.precision import env_precision
from desktop_search.core.model.protocol import LoadCallback, clean_text
from desktop_search.core.model.token_batches import bounded_batches, padded, truncate
from desktop_search.core.model.tokenizer import SharedTokenizer, TokenEncoder, fast_folder_tokenizer
from desktop_search.core.model.torch_forward import torch_batches

log = logging.getLogger(__name__)

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

# A resolved local model folder, or a function that resolves it when the model loads (it may report
# steps such as a download to the load's progress callback).
ModelFolder = Path | Callable[[LoadCallback | None], Path]


def uses_e5_prompts(model_name: str) -> bool:
    """E5-family models need ``query: `` / ``passage: `` prefixes."""
    return bool(re.search(r"(^|[/_-])(multilingual-)?e5([/_-]|$)", model_name.lower()))


class SentenceTransformerEmbedder:
    """The real embedder: a sentence-transformers model loaded lazily on first use.

    ``model_folder`` is a local folder or a resolver of one (see :mod:`desktop_search.core.model.source`),
    called by :meth:`load` with its progress callback. Loading is thread-safe; call :meth:`load` from a
    worker thread to keep a UI responsive.

    ``precision`` is a setting (auto, float32, bfloat16, float16, int8); ``DESKTOP_SEARCH_PRECISION``
    overrides it. With ``auto`` on the CPU, ``cpu_precision(model_name, folder)`` gives the calibrated
    choice (:func:`desktop_search.core.model.precision.resolve_cpu_precision`; float32 without it). After
    loading, :attr:`precision` is the one in effect: a precision that fails to load or to encode (fp16
    on some MPS machines) falls back to float32. Queries and documents use the same model.

    int8 on the CPU needs ``onnx_folder`` (where the model's ONNX export is cached). With the export
    cached, the ONNX int8 encoder serves alone from the start: torch is neither imported nor loaded
    (:class:`~desktop_search.core.model.onnx_only.OnnxOnlyModel`). Without it, torch float32 serves
    until the export is ready (made once in the background), then the ONNX int8 encoder takes over; a
    failed export leaves float32. With ``auto``, a finished export re-runs the calibration.
    ``tokenizer_cache`` keeps the tokenizer's SentencePiece translation (:mod:`compact_tokenizer`).
    """

    def __init__(
        self,
        model_name: str,
        model_folder: ModelFolder,
        device: str = "auto",
        precision: str = "auto",
        batch_size: int = 0,
        cpu_precision: Callable[[str, Path], str] | None = None,
        onnx_folder: Path | None = None,
        int8_path: Int8Path | None = None,
        tokenizer_cache: Path | None = None,
    ) -> None:
        self._model_name = model_name
        self._cpu_precision = cpu_precision
        self._folder_source = model_folder
        self._device_pref = device
        self._precision_pref = precision
        self._configured_batch = batch_size
        self._lock = threading.Lock()
        self._model: Any = None
        self._shared_tokenizer: TokenEncoder | None = None
        self._folder_lock = threading.RLock()
        self._resolved_folder: Path | None = None
        self._early_tokenizer: SharedTokenizer | None = None  # counts before the model loads (tokenizers)
        self._compact: CompactTokenizer | None = None  # the folder's tokenizer run by SentencePiece
        self._compact_tried = False
        self._tokenizer_cache = tokenizer_cache  # where the SentencePiece translation is kept
        self._documents_lock = threading.Lock()
        # counts batches in flight: the torch weights or the ONNX session change only when none is
        self._torch_forwards = threading.Condition()
        self._torch_in_use = 0
        self.device = ""
        self.precision = ""
        self._batch_size = 0
        self._prompts = uses_e5_prompts(model_name)
        self._int8 = int8_path or Int8Path(onnx_folder)
        # set by _load; run once the model is in place and no phase 1 needs the other core
        self._start_int8: Callable[[], None] | None = None
        self._int8_start_lock = threading.Lock()  # _start_int8 and _spare_a_core
        self._spare_a_core = False  # document batches leave one core to other work (see spare_a_core)
        self._switch_waiting = False  # _use_int8 waits: torch batch lists stop at the next batch
        self._torch_threads = 0  # torch's thread count when the model loaded (0: not loaded by torch)

    # -- loading -------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self, progress: LoadCallback | None = None) -> None:
        """Load the model now (idempotent). Imports torch: never call on a UI thread.

        ``progress`` hears the steps of finding the model (preparing the offline model, a download).
        """
        with self._lock:
            if self._model is None:
                self._model = self._load(progress)
                self._early_tokenizer = None  # ~250 MB: the model's own tokenizer counts from now on
                gc.collect()
                release_freed_memory()
                self._start_int8_unless_sparing()  # after the early tokenizer: never both beside ONNX

    def _start_int8_unless_sparing(self) -> None:
        """Start the int8 path (an export, or opening a cached one) now, unless indexing's phase 1
        is running: then it starts when :meth:`spare_a_core` says that phase is over."""
        with self._int8_start_lock:
            if self._spare_a_core:
                return
            start_int8, self._start_int8 = self._start_int8, None
        if start_int8 is not None:
            start_int8()

    def _load(self, progress: LoadCallback | None) -> Any:
        # resolve the folder first: a missing model is reported at once, before torch is imported
        folder = self._folder(progress)
        device = device_without_torch(self._device_pref)
        if device is None:
            import torch

            device = choose_device(self._device_pref, torch)
        calibrated = self._cpu_precision
        precision = effective_precision(
            self._precision_pref,
            device,
            env_precision(),
            (lambda: calibrated(self._model_name, folder)) if calibrated is not None else None,
        )
        log.info("loading model %s from %s on %s (%s)", self._model_name, folder, device, precision)
        wants_int8 = device == "cpu" and precision == "int8"
        if wants_int8:
            alone = self._int8_alone(folder)
            if alone is not None:
                return alone
            precision = "float32"  # torch serves until the ONNX int8 encoder is ready
        import torch

        self._torch_threads = torch.get_num_threads()  # what document batches run on (_torch_rows)
        try:
            model = load_model(folder, device, precision)
            if precision != "float32":
                check_encodes(model)
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
        if device == "cpu":
            recalibrate = None
            if calibrated is not None and self._precision_pref == "auto" and env_precision() is None:
                recalibrate = lambda: calibrated(self._model_name, folder)  # noqa: E731
            self._start_int8 = lambda: self._int8.prepare(folder, wants_int8, recalibrate, self._use_int8)
        return model

    def _int8_alone(self, folder: Path) -> OnnxOnlyModel | None:
        """The cached int8 export serving alone, with the model's tokenizer and settings read from its
        folder (no torch); None when there is no export yet or it cannot start (torch loads then).

        While indexing's phase 1 runs (:meth:`spare_a_core`) the session starts on one core fewer and
        opens again on all of them once that phase is over (its threads are fixed when it starts)."""
        path = self._int8.cached(folder)
        if path is None:
            return None
        try:
            model = OnnxOnlyModel(folder)
            if self._compact_tokenizer() is None:
                _ = model.tokenizer  # loaded now, so a folder it cannot read falls back to torch here
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("the int8 export cannot serve alone (%s); loading torch", exc)
            return None
        cores = physical_cores()
        threads = max(1, cores - 1) if self._spare_a_core else cores
        if not self._int8.open(path, threads):
            return None
        self.device, self.precision = "cpu", "int8"
        self._batch_size = choose_batch_size("cpu", None, self._configured_batch)
        if threads < cores:
            self._start_int8 = lambda: self._reopen_int8(path, cores, threads)
        return model

    def _reopen_int8(self, path: Path, threads: int, previous: int) -> None:
        """Open the int8 session again on ``threads`` threads once no batch is in flight (new ones
        wait meanwhile); if it cannot, on its ``previous`` threads, else torch float32 takes over."""
        with self._torch_forwards:
            self._torch_forwards.wait_for(lambda: self._torch_in_use == 0)
            if self._int8.open(path, threads) or self._int8.open(path, previous):
                return
            log.warning("the int8 (ONNX) encoder stopped; loading the torch weights")
            self._model = load_model(self._folder(), "cpu", "float32")
            self.precision = "float32"

    def _use_int8(self, open_encoder: Callable[[], bool]) -> None:
        """The int8 export is ready: once no torch batch is in flight (new ones wait meanwhile), drop
        the torch weights (about 270 MB for the default model) and open the ONNX session in their
        place, so the two never sit in memory together (the first start's peak: 1,558 MB when the
        session opened beside them). Documents and queries then use ONNX; the model object keeps its
        tokenizer, prompts and settings. If the session cannot start, torch is loaded again."""
        self._switch_waiting = True  # a long call's torch batches stop after the one in flight
        with self._torch_forwards:  # wait for forward passes already on the torch weights
            try:
                self._torch_forwards.wait_for(lambda: self._torch_in_use == 0)
                drop_weights(self._model)
                if isinstance(self._shared_tokenizer, CompactTokenizer):
                    drop_tokenizer(self._model)  # ~270 MB: SentencePiece tokenizes for it from now on
                gc.collect()
                release_freed_memory()  # the weights and the last batch's activations
                if open_encoder():
                    self.precision = "int8"
                    return
                log.warning("loading the torch weights again")
                self._model = load_model(self._folder(), self.device, "float32")
            finally:
                self._switch_waiting = False
                self._torch_forwards.notify_all()  # the calls that stopped for the switch go on

    def _folder(self, progress: LoadCallback | None = None) -> Path:
        """The model's local folder, resolved once (the first caller's ``progress`` hears the steps)."""
        with self._folder_lock:
            if self._resolved_folder is None:
                source = self._folder_source
                self._resolved_folder = source(progress) if callable(source) else source
            return self._resolved_folder

    def _compact_tokenizer(self) -> CompactTokenizer | None:
        """The folder's tokenizer run by SentencePiece, built once; None when ``tokenizers`` runs it."""
        with self._folder_lock:
            if not self._compact_tried:
                self._compact = compact_tokenizer(self._folder(), self._tokenizer_cache)
                self._compact_tried = True
            return self._compact

    def _counting_tokenizer(self) -> TokenEncoder:
        """The model's tokenizer; before the model has loaded, the folder's tokenizer alone (the same
        token ids), so the indexer cuts passages while the model loads."""
        if self._model is not None:
            self._early_tokenizer = None
            return self.shared_tokenizer
        compact = self._compact_tokenizer()
        if compact is not None:
            return compact
        with self._folder_lock:
            if self._early_tokenizer is None:
                self._early_tokenizer = fast_folder_tokenizer(self._folder())
            early = self._early_tokenizer
        return early if early is not None else self.shared_tokenizer

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer, or an :class:`OnnxOnlyModel` while the int8 export serves
        alone (loads it first if needed)."""
        self.load()
        return self._model

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
        if self._model is None:  # known from the folder before the model loads (sentence-transformers' file)
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                config = json.loads((self._folder() / "sentence_bert_config.json").read_text("utf-8"))
                return int(config["max_seq_length"])
        return int(self.model.max_seq_length)

    @property
    def batch_size(self) -> int:
        self.load()
        return self._batch_size

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    @property
    def shared_tokenizer(self) -> TokenEncoder:
        """The one tokenizer all threads use (counting, queries, documents): the folder's tokenizer run by
        SentencePiece where it can be (:mod:`compact_tokenizer`), else the model's own behind a
        :class:`SharedTokenizer`."""
        model = self.model
        if self._shared_tokenizer is None:
            with self._lock:
                if self._shared_tokenizer is None:
                    self._shared_tokenizer = self._compact_tokenizer() or SharedTokenizer(model.tokenizer)
        return self._shared_tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts (special tokens included, no prompt)."""
        if not texts:
            return []
        return [len(ids) for ids in self._counting_tokenizer().encode([clean_text(t) for t in texts])]

    def spare_a_core(self, spare: bool) -> None:
        """While ``spare``, torch document batches on the CPU run on one thread fewer (at least one),
        and the int8 path waits: its export (tens of seconds on both cores, on a first start) or its
        ONNX session (whose threads are fixed when it starts) begins once ``spare`` is cleared.

        Indexing sets it while its first phase (reading files into the keyword index) runs in this
        process: that phase then has a core of its own. On 2 cores beside a float32 encoder, 5,183
        SciFact files were all keyword-searchable after 32-33 s instead of 39-49 s."""
        with self._int8_start_lock:
            self._spare_a_core = spare
        if not spare and self._model is not None:
            self._start_int8_unless_sparing()

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
        # torch on the CPU: one thread. One short text gains nothing from a second core (28 ms either
        # way here), and the search's keyword leg runs on the other core meanwhile
        return self._embed_rows(rows, torch_threads=1 if self.device == "cpu" else 0)[0]

    def _prompt(self, names: tuple[str, ...], e5_default: str) -> str:
        """The model's saved prompt under the first of ``names`` it has, else E5's prefix for E5 models."""
        prompts = getattr(self.model, "prompts", {}) or {}
        saved = next((prompts[n] for n in names if prompts.get(n)), None)
        if saved:
            return str(saved)
        return e5_default if self._prompts else ""

    def _embed_rows(self, rows: Sequence[Sequence[int]], torch_threads: int = 0) -> np.ndarray:
        """Normalised float32 vectors of tokenized texts, in length-sorted batches of :attr:`batch_size`.

        The same forward pass as ``SentenceTransformer.encode`` (modules, pooling, normalisation) without
        its tokenizer calls, which switch the shared tokenizer's padding on and off.
        """
        self.load()  # idempotent; the model is read below only while its weights are counted in use
        rows = [truncate(r, self.max_tokens) for r in rows]
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        pad_id = self.shared_tokenizer.pad_id
        with self._torch_forwards:  # counted before the encoder is read: the weights stay meanwhile
            self._torch_in_use += 1
        try:
            onnx = self._int8.encoder
            if onnx is not None:
                for batch in bounded_batches([len(r) for r in rows], self._batch_size):
                    out[batch] = onnx.encode(*padded([rows[i] for i in batch], pad_id))
                return out
            # the model is read while counted: never dropped meanwhile
            left = self._torch_rows(self._model, rows, out, pad_id, torch_threads)
        finally:
            with self._torch_forwards:
                self._torch_in_use -= 1
                self._torch_forwards.notify_all()
        if left:  # the int8 encoder takes over (_use_int8): it embeds the rest once it is in place
            with self._torch_forwards:
                self._torch_forwards.wait_for(lambda: not self._switch_waiting)
            out[left] = self._embed_rows([rows[i] for i in left], torch_threads)
        return out

    def _torch_rows(
        self, model: Any, rows: Sequence[Sequence[int]], out: np.ndarray, pad_id: int, threads: int = 0
    ) -> list[int]:
        """:meth:`_embed_rows` on the torch model; the rows it leaves to the int8 encoder taking over.

        On ``threads`` (0: those torch had when the model loaded; a thread started while another had
        lowered the count inherits the lowered one), one fewer while indexing's phase 1 runs and
        while the int8 export and its calibration do (spawned processes that share the cores)."""
        import torch

        threads = threads or self._torch_threads or torch.get_num_threads()
        on_cpu = model.device.type == "cpu"  # batches cut to the CPU's memory budget (token_batches)
        if (self._spare_a_core or self._int8.preparing) and on_cpu:
            threads = max(1, threads - 1)
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)  # per thread: other threads keep their own setting
        try:
            return torch_batches(
                model, rows, out, pad_id, self._batch_size, lambda: self._switch_waiting, bounded=on_cpu
            )
        finally:
            torch.set_num_threads(previous)
