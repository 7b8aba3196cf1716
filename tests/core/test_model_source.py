"""Where the model comes from: user folder, packaged copy, Hugging Face cache, built-in, download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_search.core.config.paths import AppPaths
from desktop_search.core.config.settings import DEFAULT_MODEL, Settings
from desktop_search.core.errors import ModelUnavailableError
from desktop_search.core.model import source as model_source
from desktop_search.core.model.bundled import converter as bundled_model
from desktop_search.core.model.protocol import LoadProgress
from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
from desktop_search.core.model.source import create_embedder, export_model, resolve_model_folder

OTHER_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def make_model_folder(folder: Path, tag: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    (folder / "tag.txt").write_text(tag)
    return folder


def make_hub_cache(cache: Path, model_name: str) -> Path:
    """A Hugging Face cache entry for ``model_name``, laid out as huggingface_hub writes it."""
    repo = cache / f"models--{model_name.replace('/', '--')}"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    return make_model_folder(repo / "snapshots" / commit, "cache")


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    home = tmp_path / "home"  # built directly: the test run's shared cache dir must not be used here
    return AppPaths(home / "config", home / "data", home / "cache", home / "logs")


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.delenv(model_source.PACKAGED_MODELS_ENV, raising=False)
    return cache


@pytest.fixture
def fake_conversion(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def convert(source: Path, dest: Path) -> None:
        calls.append(dest)
        make_model_folder(dest, "bundled")
        (dest / bundled_model.MARKER_FILE).write_text(json.dumps(bundled_model.marker_contents()))

    monkeypatch.setattr(bundled_model, "convert", convert)
    return calls


def tag(folder: Path) -> str:
    return (folder / "tag.txt").read_text()


def test_resolution_order(
    tmp_path: Path, paths: AppPaths, hub_cache: Path, fake_conversion: list[Path], monkeypatch
) -> None:
    steps: list[LoadProgress] = []
    # Nothing else: the built-in model is converted into the cache folder, with a progress step.
    folder = resolve_model_folder(DEFAULT_MODEL, paths, progress=steps.append)
    assert tag(folder) == "bundled" and folder.parent == paths.models_dir
    assert steps == [LoadProgress("Preparing the offline model…")]
    # The Hugging Face cache beats the built-in model.
    make_hub_cache(hub_cache, DEFAULT_MODEL)
    assert tag(resolve_model_folder(DEFAULT_MODEL, paths)) == "cache"
    # A packaged copy beats the cache.
    packaged = tmp_path / "packaged"
    make_model_folder(packaged / "intfloat--multilingual-e5-small", "packaged")
    monkeypatch.setenv(model_source.PACKAGED_MODELS_ENV, str(packaged))
    assert tag(resolve_model_folder(DEFAULT_MODEL, paths)) == "packaged"
    # The user's own folder beats everything.
    local = make_model_folder(tmp_path / "mine", "local")
    assert tag(resolve_model_folder(DEFAULT_MODEL, paths, local_path=str(local))) == "local"
    assert len(fake_conversion) == 1


def test_packaged_dir_in_a_frozen_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    monkeypatch.delenv(model_source.PACKAGED_MODELS_ENV, raising=False)
    assert model_source.packaged_models_dir() is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert model_source.packaged_models_dir() == tmp_path / "models"


def test_missing_local_folder_is_a_clear_error(paths: AppPaths, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist or holds no model"):
        resolve_model_folder(DEFAULT_MODEL, paths, local_path=str(tmp_path / "nowhere"))


def test_other_model_not_found_offers_download(paths: AppPaths, hub_cache: Path) -> None:
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model_folder(OTHER_MODEL, paths)
    assert "not on this computer" in str(info.value) and "Download it once" in str(info.value)


def test_download_with_hub_unreachable_is_readable(
    paths: AppPaths, hub_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read once at import by huggingface_hub
    steps: list[LoadProgress] = []
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model_folder(OTHER_MODEL, paths, allow_download=True, progress=steps.append)
    message = str(info.value)
    assert "could not be downloaded" in message and "network is needed once" in message
    assert "default model" in message
    assert "Traceback" not in message and "Error" not in message and "\n" not in message
    assert steps and steps[0].fraction == 0.0


def test_create_embedder_resolves_lazily(
    paths: AppPaths, hub_cache: Path, fake_conversion: list[Path], tmp_path: Path
) -> None:
    local = make_model_folder(tmp_path / "mine", "local")
    settings = Settings(model_path=str(local), device="cpu", batch_size=8)
    embedder = create_embedder(settings, paths)
    assert isinstance(embedder, SentenceTransformerEmbedder) and not embedder.loaded
    assert embedder.model_name == DEFAULT_MODEL
    settings = Settings(model=OTHER_MODEL)
    create_embedder(settings, paths)  # nothing resolved yet, so no error before load()


def test_load_reports_finding_the_model_to_its_progress_callback(
    paths: AppPaths, hub_cache: Path, fake_conversion: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_search.core.model import sentence_transformer
    from desktop_search.core.model.precision import PRECISION_ENV

    monkeypatch.delenv(PRECISION_ENV, raising=False)
    loaded_from: list[Path] = []

    def fake_load(folder: Path, device: str, precision: str) -> object:
        loaded_from.append(folder)
        return object()

    monkeypatch.setattr(sentence_transformer, "load_model", fake_load)
    embedder = create_embedder(Settings(device="cpu", precision="float32"), paths)
    steps: list[LoadProgress] = []
    embedder.load(steps.append)
    assert embedder.loaded and (embedder.device, embedder.precision) == ("cpu", "float32")
    assert steps == [LoadProgress("Preparing the offline model…")]
    assert [tag(f) for f in loaded_from] == ["bundled"]
    embedder.load(steps.append)  # loaded already: nothing is resolved again
    assert len(steps) == 1 and len(loaded_from) == 1


def test_export_model_copies_the_resolved_folder(
    paths: AppPaths, hub_cache: Path, fake_conversion: list[Path], tmp_path: Path
) -> None:
    make_hub_cache(hub_cache, OTHER_MODEL)
    exported = export_model(OTHER_MODEL, tmp_path / "dist" / "models", paths)
    assert exported == tmp_path / "dist" / "models" / "sentence-transformers--all-MiniLM-L6-v2"
    assert tag(exported) == "cache"
