"""The embedder's int8 path on the CPU: the model's ONNX export, found in the cache or made in the
background, and the ONNX Runtime encoder the embedder switches to once it is there.

Nothing waits for the export: the embedder keeps serving with torch until :class:`Int8Path` calls
back. A failed export (or one that failed before, for the same model and versions) leaves torch in
place, with the reason in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop_search.core.model.device import physical_cores
from desktop_search.core.model.onnx_encoder import OnnxEncoder
from desktop_search.core.model.onnx_export import (
    BackgroundExports,
    background_exports,
    cached_export,
    cached_failure,
    digest_memo,
    model_checksum,
)

log = logging.getLogger(__name__)


class Int8Path:
    """Where a model's int8 export lives (``folder``; None: no int8 here) and its encoder once ready."""

    def __init__(self, folder: Path | None, exports: BackgroundExports | None = None) -> None:
        self.folder = folder
        self._exports = exports or background_exports
        self.encoder: OnnxEncoder | None = None
        # an export (and, with auto, the calibration after it) runs in a spawned process: the torch
        # encoder leaves it a core meanwhile
        self.preparing = False

    def prepare(
        self,
        model_folder: Path,
        wanted: bool,
        recalibrate: Callable[[], str] | None,
        on_ready: Callable[[Callable[[], bool]], None],
    ) -> None:
        """Start int8 if ``wanted`` (now if exported, else after a background export); with
        ``recalibrate`` (precision ``auto``), export in the background and let calibration decide."""
        if self.folder is None:
            if wanted:
                log.warning("int8 needs a folder for the model's ONNX export; using float32")
            return
        if not wanted and recalibrate is None:
            return
        try:
            checksum = model_checksum(model_folder, digest_memo(self.folder))
            ready = cached_export(model_folder, self.folder, checksum)
            failure = None if ready else cached_failure(model_folder, self.folder, checksum)
        except OSError as exc:
            log.warning("cannot read the ONNX export of %s; using torch: %s", model_folder, exc)
            return
        if ready is not None:
            if wanted:  # with auto, calibration has already measured this export (and not chosen it)
                self._attach(ready, on_ready)
            return
        if failure is not None:
            if wanted:
                log.warning("int8 (ONNX) unavailable, torch float32 serves: the export failed: %s", failure)
            return

        def exported(path: Path | None, _reason: str) -> None:
            try:
                if path is None:
                    return  # the export logged why; torch keeps serving
                if wanted or (recalibrate is not None and recalibrate() == "int8"):
                    self._attach(path, on_ready)
            finally:
                self.preparing = False

        self.preparing = True
        self._exports.start(model_folder, self.folder, exported)

    def cached(self, model_folder: Path) -> Path | None:
        """The model's intact int8 export in the cache, or None (no folder, none yet, or unreadable)."""
        if self.folder is None:
            return None
        try:
            return cached_export(
                model_folder, self.folder, model_checksum(model_folder, digest_memo(self.folder))
            )
        except OSError as exc:
            log.warning("cannot read the ONNX export of %s: %s", model_folder, exc)
            return None

    def open(self, path: Path, threads: int) -> bool:
        """Start the encoder on ``path`` with ``threads`` threads (replacing one already open)."""
        self.encoder = None  # the old session's memory goes before the new one's comes
        try:
            self.encoder = OnnxEncoder(path, threads)
        except Exception as exc:
            log.warning("cannot start the int8 (ONNX) encoder: %s", exc)
            return False
        log.info("embedding with the int8 ONNX encoder (%s, %d threads)", path, threads)
        return True

    def _attach(self, path: Path, on_ready: Callable[[Callable[[], bool]], None]) -> None:
        """Hand ``on_ready`` the step that opens the ONNX session; it runs it when the torch side is
        quiet, so the session's start never adds to a torch batch's activations in memory."""
        threads = physical_cores()  # not torch's count: a thread started while it was lowered inherits it

        def open_encoder() -> bool:
            return self.open(path, threads)

        on_ready(open_encoder)
