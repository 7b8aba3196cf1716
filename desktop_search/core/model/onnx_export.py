"""The int8 copy of a model for ONNX Runtime: exported once per model, checked by checksum, cached.

:func:`export_int8` turns a sentence-transformers folder's transformer into ONNX with
``torch.onnx.export`` (dynamic batch and sequence axes; pooling and normalisation stay outside, in
numpy, see :mod:`desktop_search.core.model.onnx_encoder`) and quantises its MatMul weights per channel
with ``onnxruntime.quantization.quantize_dynamic`` (int8 weights in 7 bits, uint8 activations; layers
whose inputs carry outliers stay float32, see ``outlier_inputs``). The word embedding table stays
float16 (a Gather and a Cast), as in the torch path. Fused-attention graph
optimisation is not applied: it was slower on AVX2 processors. Attention is exported in its explicit
("eager") form, which ONNX Runtime runs faster than the exported decomposition of PyTorch's fused
attention.

The result lives in its own folder (:func:`onnx_dir`, in the cache dir) as ``model-int8.onnx`` beside
``export.json``, which records the SHA-256 of the model's files and of the exported file.
:func:`cached_export` trusts the folder only when both still match, so a changed model or a corrupt
or half-written file is exported again. A failed export writes ``failed.json`` (the reason, for the
same model and library versions), so it is not retried at every start.

Exporting takes tens of seconds and over a GB: :func:`export_in_subprocess` runs its two steps (torch's
export, then the quantiser) in two spawned processes, one after the other, so each gives its memory
back to the OS before the next starts; :class:`BackgroundExports` runs it once per folder on a
background thread, so nothing waits for it (torch serves meanwhile).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# 2: uint8 weights; 3: eager attention (explicit MatMul/Softmax); 4: 7-bit int8 weights; 5: layers fed
# by outlier activations stay float32 (outlier_inputs)
EXPORTER_VERSION = 5
INT8_FILE = "model-int8.onnx"
FLOAT32_FILE = "model-float32.onnx"
MANIFEST = "export.json"
PLAN = "plan.json"  # between the two steps of an export: the model's checksum, pooling, float32 MatMuls
DIGEST_MEMO = "sha256-memo.json"  # file -> [size, mtime_ns, inode, sha256] of files checked (digest_memo)
FAILURE = "failed.json"
OPSET = 17
SUBPROCESS_TIMEOUT_S = 1800.0
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".json")

Exporter = Callable[[Path, Path], Path]


def onnx_dir(cache_dir: Path, model_name: str) -> Path:
    """The folder of ``model_name``'s ONNX export inside the app's cache dir."""
    return cache_dir / "onnx" / model_name.replace("/", "--")


def digest_memo(folder: Path) -> Path:
    """Where the hashes of files checked for ``folder``'s export are remembered (beside the exports)."""
    return folder.parent / DIGEST_MEMO


def _sha256(path: Path, memo: Path | None = None) -> str:
    """The file's SHA-256; with ``memo``, read back from there while the file's size, modification time
    and inode are those it was hashed at (hashing the model and its export took 0.7 s of every start;
    a file rewritten or replaced changes at least one of them)."""
    stat = path.stat()
    key, seen = str(path.resolve()), [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    known = _read_json(memo) if memo is not None else {}
    entry = known.get(key)
    if isinstance(entry, list) and len(entry) == 4 and entry[:3] == seen:
        return str(entry[3])
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if memo is not None:
        known[key] = [*seen, digest.hexdigest()]
        _write_json(memo, known)
    return digest.hexdigest()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` whole, then rename it into place; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.partial")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.info("could not remember file hashes in %s (%s)", path, exc)


def model_checksum(model_folder: Path, memo: Path | None = None) -> str:
    """SHA-256 over the model's weights and configuration files (names and contents); ``memo`` as for
    :func:`_sha256`."""
    digest = hashlib.sha256()
    files = sorted(p for p in Path(model_folder).rglob("*") if p.is_file() and p.suffix in _WEIGHT_SUFFIXES)
    for path in files:
        digest.update(str(path.relative_to(model_folder)).encode())
        digest.update(_sha256(path, memo).encode())
    return digest.hexdigest()


def _versions() -> dict[str, Any]:
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return ""

    return {"exporter": EXPORTER_VERSION, "onnxruntime": version("onnxruntime"), "onnx": version("onnx")}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cached_export(model_folder: Path, folder: Path, checksum: str | None = None) -> Path | None:
    """The int8 file in ``folder`` when it was exported from this very model and is intact, else None."""
    manifest = _read_json(folder / MANIFEST)
    exported = folder / INT8_FILE
    if not manifest or not exported.is_file() or manifest.get("versions") != _versions():
        return None
    if manifest.get("model_sha256") != (checksum or model_checksum(model_folder, digest_memo(folder))):
        return None
    if manifest.get("onnx_sha256") != _sha256(exported, digest_memo(folder)):
        log.warning("the ONNX export in %s is damaged; it will be exported again", folder)
        return None
    return exported


def cached_failure(model_folder: Path, folder: Path, checksum: str | None = None) -> str | None:
    """Why the last export of this model (with these library versions) failed, or None."""
    record = _read_json(folder / FAILURE)
    if not record or record.get("versions") != _versions():
        return None
    if record.get("model_sha256") != (checksum or model_checksum(model_folder, digest_memo(folder))):
        return None
    return str(record.get("reason", "unknown error"))


def pooling_of(model: Any) -> dict[str, Any]:
    """How the model pools token vectors (mean or cls, normalised or not); raises for other layouts."""
    names = [type(module).__name__ for module in model]
    if not names or names[0] != "Transformer" or names[1:2] != ["Pooling"]:
        raise ValueError(f"unsupported model layout for ONNX: {names}")
    if any(name != "Normalize" for name in names[2:]):
        raise ValueError(f"unsupported modules after pooling for ONNX: {names[2:]}")
    mode = getattr(model[1], "pooling_mode", None)
    if mode is None and hasattr(model[1], "get_pooling_mode_str"):  # sentence-transformers < 6
        mode = model[1].get_pooling_mode_str()
    if mode not in ("mean", "cls"):
        raise ValueError(f"unsupported pooling for ONNX: {mode}")
    return {"mode": mode, "normalize": "Normalize" in names}


def _alias_ort_transformer_modules() -> None:
    """Make ``onnxruntime.transformers``' siblings importable by their bare names.

    ONNX Runtime's quantisation imports ``onnxruntime.transformers.onnx_utils``, which imports
    ``fusion_utils``, ``onnx_model`` and ``float16`` by bare name: the package appends its own folder to
    ``sys.path``. In the packaged app that folder holds no source files (the modules are in the
    bundle's archive), so the export failed with "No module named 'fusion_utils'". Registering the
    package's modules under those names (in import order) works in both.
    """
    import importlib
    import sys

    for name in ("float16", "onnx_model", "fusion_utils"):
        if name not in sys.modules:
            try:
                sys.modules[name] = importlib.import_module(f"onnxruntime.transformers.{name}")
            except ImportError:  # another ONNX Runtime layout: its own imports decide
                return


def export_int8(model_folder: Path, folder: Path, keep_float32: bool = False) -> Path:
    """Export and quantise ``model_folder``'s model into ``folder`` (blocking; tens of seconds).

    Written under a temporary name and renamed into place, so a crash leaves no half export behind.
    ``keep_float32`` keeps the unquantised export beside it (benchmarks compare the two).
    """
    work = _work_dir(folder)
    try:
        export_float32(model_folder, work)
        return quantize_export(work, folder, keep_float32)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _work_dir(folder: Path) -> Path:
    work = folder.parent / f".{folder.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    return work


def export_float32(model_folder: Path, work: Path) -> None:
    """The first step (torch): the transformer as float32 ONNX in ``work``, and :data:`PLAN` saying
    which MatMuls the second step keeps in float32 (those fed by outlier activations)."""
    import torch

    from desktop_search.core.model.calibration_passages import calibration_passages
    from desktop_search.core.model.loading import load_model
    from desktop_search.core.model.outlier_inputs import matmul_nodes, outlier_fed_linears

    checksum = model_checksum(model_folder)
    model = load_model(model_folder, "cpu", "float32")  # word embeddings kept in float16
    pooling = pooling_of(model)
    transformer = model[0].auto_model
    # the explicit attention graph: the SDPA one exports as a decomposition that ONNX Runtime ran
    # 1.3x slower here (int8 at 248 tokens: 13.1 passages/s eager, 9.1 sdpa; torch float32 8.5-9.1)
    with contextlib.suppress(AttributeError, ValueError):
        transformer.set_attn_implementation("eager")
    _export_transformer(transformer, work / FLOAT32_FILE, torch)
    texts = calibration_passages()
    outliers = outlier_fed_linears(
        transformer, lambda: model.encode(texts, batch_size=8, show_progress_bar=False)
    )
    kept_float = matmul_nodes(outliers, _matmul_names(work / FLOAT32_FILE))
    log.info("int8 export: %s stay float32 (outlier inputs)", ", ".join(kept_float) or "no layers")
    plan = {"model_sha256": checksum, "pooling": pooling, "kept_float": kept_float}
    (work / PLAN).write_text(json.dumps(plan), encoding="utf-8")


def quantize_export(work: Path, folder: Path, keep_float32: bool = False) -> Path:
    """The second step (ONNX Runtime, no torch): quantise ``work``'s float32 export as its plan says
    and move it into place as ``folder``."""
    _alias_ort_transformer_modules()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plan = json.loads((work / PLAN).read_text(encoding="utf-8"))
    root = logging.getLogger()  # quantize_dynamic warns on the root logger about pre-processing
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            work / FLOAT32_FILE,
            work / INT8_FILE,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            # int8 weights in 7 bits (u8s8, reduce_range): AVX2 without VNNI multiplies u8 by s8 in
            # VPMADDUBSW, whose 16-bit sums saturate with full-range weights; 7-bit ones cannot. On the
            # AVX2-only EPYC (168-token SciFact passages, 2 threads, torch float32 12.3 passages/s):
            # u8u8 20.9/s, u8s8 26.4/s, u8s8 7-bit 26.5/s; mean cosine to float32 on the calibration
            # passages 0.9959, 0.9952 and 0.9954 (on SciFact 0.9970, 0.9968, 0.9966)
            weight_type=QuantType.QInt8,
            reduce_range=True,
            nodes_to_exclude=plan["kept_float"],
        )
    finally:
        root.setLevel(level)
    if not keep_float32:
        (work / FLOAT32_FILE).unlink()
    (work / PLAN).unlink()
    install_export(work, folder, plan["model_sha256"], plan["pooling"])
    return folder / INT8_FILE


def _matmul_names(path: Path) -> list[str]:
    import onnx

    return [
        n.name for n in onnx.load(str(path), load_external_data=False).graph.node if n.op_type == "MatMul"
    ]


def install_export(work: Path, folder: Path, checksum: str, pooling: dict[str, Any]) -> None:
    """Record the checksums of ``work``'s int8 file and move ``work`` into place as ``folder``."""
    manifest = {
        "model_sha256": checksum,
        "onnx_sha256": _sha256(work / INT8_FILE),
        "pooling": pooling,
        "versions": _versions(),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(work, folder)


def _export_transformer(transformer: Any, target: Path, torch: Any) -> None:
    """The transformer alone: (input_ids, attention_mask) → last hidden state."""
    import warnings

    class HiddenStates(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            HiddenStates(transformer).eval(),
            (sample, sample),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden_states"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden_states": axes},
            opset_version=OPSET,
            dynamo=False,  # the torch.export path needs onnxscript, another dependency
        )


def record_failure(model_folder: Path, folder: Path, reason: str) -> None:
    """Remember that exporting this model failed (and why), so it is not retried at every start."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {"model_sha256": model_checksum(model_folder), "versions": _versions(), "reason": reason}
    (folder / FAILURE).write_text(json.dumps(record, indent=2), encoding="utf-8")


def _child_main(step: str, model_folder: str, work: str, folder: str) -> None:
    try:
        if step == "export":
            export_float32(Path(model_folder), Path(work))
        else:
            quantize_export(Path(work), Path(folder))
    except BaseException as exc:
        record_failure(Path(model_folder), Path(folder), f"{type(exc).__name__}: {exc}"[:500])
        raise


def export_in_subprocess(model_folder: Path, folder: Path) -> Path:
    """:func:`export_int8` in two spawned processes, one after the other: torch's export, then ONNX
    Runtime's quantiser, which needs as much memory again (one process peaked at 2,641 MB; the two at
    1.4 GB each). Raises RuntimeError with the reason if either fails."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    deadline = time.monotonic() + SUBPROCESS_TIMEOUT_S
    work = _work_dir(folder)
    try:
        for step in ("export", "quantize"):
            process = context.Process(
                target=_child_main,
                args=(step, str(model_folder), str(work), str(folder)),
                name=f"desktop-search-onnx-{step}",
            )
            process.start()
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
                if time.monotonic() < deadline:  # the app is exiting: try again next start
                    raise ExportInterrupted("the app ended before the export was done")
                raise RuntimeError(f"the export took longer than {SUBPROCESS_TIMEOUT_S:.0f} s")
            if process.exitcode != 0:
                reason = cached_failure(model_folder, folder)
                raise RuntimeError(reason or f"the export process ended with code {process.exitcode}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    exported = cached_export(model_folder, folder)
    if exported is None:
        raise RuntimeError(cached_failure(model_folder, folder) or "the export left no usable file")
    return exported


class ExportInterrupted(RuntimeError):
    """The export stopped before it ended (the app exited): not a failure to remember."""


class BackgroundExports:
    """Runs each folder's export once, on a daemon thread, and tells the callers when it is over."""

    def __init__(self, exporter: Exporter = export_in_subprocess) -> None:
        self._exporter = exporter
        self._lock = threading.Lock()
        self._running: dict[Path, list[Callable[[Path | None, str], None]]] = {}

    def start(self, model_folder: Path, folder: Path, done: Callable[[Path | None, str], None]) -> None:
        """Export unless ``folder``'s export runs; then ``done(path, "")`` or ``done(None, reason)``."""
        with self._lock:
            waiting = self._running.get(folder)
            if waiting is not None:
                waiting.append(done)
                return
            self._running[folder] = [done]
        threading.Thread(
            target=self._run, args=(model_folder, folder), name="onnx-export", daemon=True
        ).start()

    def _run(self, model_folder: Path, folder: Path) -> None:
        path: Path | None = None
        reason = ""
        try:
            log.info("exporting %s to ONNX int8 in the background", model_folder)
            path = self._exporter(model_folder, folder)
        except ExportInterrupted as exc:
            reason = str(exc)
            log.info("the int8 (ONNX) export stopped (%s); it is made again at the next start", exc)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("the int8 (ONNX) export of %s failed; torch serves instead: %s", model_folder, reason)
            try:
                record_failure(model_folder, folder, reason)
            except OSError as err:
                log.warning("cannot record the export failure: %s", err)
        with self._lock:
            callbacks = self._running.pop(folder, [])
        for callback in callbacks:
            try:
                callback(path, reason)
            except Exception:
                log.exception("an ONNX export callback failed")


background_exports = BackgroundExports()
