"""The default model's tokenizer run by SentencePiece gives the ids ``tokenizers`` gives, and serves the
embedder in every path; a tokenizer it cannot translate falls back to ``tokenizers``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pypdf
import pytest

from desktop_search.core.model.compact_tokenizer import CompactTokenizer, compact_tokenizer
from desktop_search.core.model.protocol import clean_text
from desktop_search.core.model.tokenizer import SharedTokenizer, fast_folder_tokenizer

DATA = Path(__file__).resolve().parents[1] / "data"
TRICKY = [
    "",
    "  leading  and   trailing  ",
    "tab\tseparated\u3000ideographic space",
    "ﬁ ligature ① ＡＢＣ full width",
    "e\u0301 combining accent, café crème",
    "zero\u200bwidth and emoji 😀 👍🏽",
    "\x01control\x02 characters",
    "Übermaß, Straße, naïve: Größenordnung",
    "日本語のテキストと English mixed 123,456.78",
    "Ελληνικά, русский текст, עברית, العربية",
]


def _real_texts() -> list[str]:
    """Pages of the real manuals in the test data (English, German, Japanese), as the app reads them."""
    texts = []
    for name in (
        "debian-reference.en.excerpt.pdf",
        "debian-reference.de.excerpt.pdf",
        "debian-reference.ja.excerpt.pdf",
    ):
        for page in pypdf.PdfReader(DATA / name).pages:
            texts.append(page.extract_text() or "")
    return [clean_text("passage: " + t) for t in texts + TRICKY]


@pytest.mark.model
def test_sentencepiece_gives_the_ids_tokenizers_gives(real_model_folder: Path) -> None:
    from tokenizers import Tokenizer

    compact = compact_tokenizer(real_model_folder)
    assert isinstance(compact, CompactTokenizer) and compact.pad_id == 1
    reference = Tokenizer.from_file(str(real_model_folder / "tokenizer.json"))
    texts = _real_texts()
    ours = compact.encode(texts)
    theirs = [e.ids for e in reference.encode_batch(texts, add_special_tokens=True)]
    # ties between two cuts of equal score may go either way (13 of 16,745 texts measured): never here
    assert ours == theirs
    assert sum(len(ids) for ids in ours) > 5000  # the manuals' pages, not just the short strings


@pytest.mark.model
def test_the_embedder_counts_and_encodes_through_sentencepiece(real_encoder, real_model_folder: Path) -> None:
    assert isinstance(real_encoder.shared_tokenizer, CompactTokenizer)
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    unloaded = SentenceTransformerEmbedder(DEFAULT_MODEL, real_model_folder, precision="float32")
    assert isinstance(unloaded._counting_tokenizer(), CompactTokenizer)  # cuts passages before loading
    assert not unloaded.loaded
    texts = TRICKY[1:]
    expected = [len(real_encoder.tokenizer(clean_text(t))["input_ids"]) for t in texts]
    assert real_encoder.count_tokens(texts) == expected


def _wordpiece_folder(folder: Path) -> Path:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(
        models.WordPiece({"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3}, unk_token="[UNK]")
    )
    tokenizer.normalizer = normalizers.BertNormalizer()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)]
    )
    folder.mkdir()
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def test_another_kind_of_tokenizer_stays_with_tokenizers(tmp_path: Path) -> None:
    folder = _wordpiece_folder(tmp_path / "bert")
    assert compact_tokenizer(folder) is None
    fallback = fast_folder_tokenizer(folder)
    assert isinstance(fallback, SharedTokenizer)
    assert fallback.encode(["hello"]) == [[1, 3, 2]]


def test_a_broken_or_missing_tokenizer_file_is_not_translated(tmp_path: Path) -> None:
    assert compact_tokenizer(tmp_path) is None  # no tokenizer.json
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"type": "Unigram"}}), encoding="utf-8")
    assert compact_tokenizer(tmp_path) is None  # no template to wrap the ids in
    (tmp_path / "tokenizer.json").write_text("{ not json", encoding="utf-8")
    assert compact_tokenizer(tmp_path) is None


@pytest.mark.model
def test_without_sentencepiece_tokenizers_serves(
    real_model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sentencepiece", None)  # import fails as if not installed
    assert compact_tokenizer(real_model_folder) is None
    assert isinstance(fast_folder_tokenizer(real_model_folder), SharedTokenizer)


@pytest.mark.model
def test_dropping_the_tokenizer_frees_it(real_model_folder: Path) -> None:
    """At the switch to int8 the torch model keeps nothing the app uses; its fast tokenizer (~270 MB)
    goes with its weights when SentencePiece tokenizes: no reference to it is left."""
    import gc
    import weakref

    from desktop_search.core.model.loading import drop_tokenizer, drop_weights, load_model

    model = load_model(real_model_folder, "cpu", "float32")
    gone = weakref.ref(model.tokenizer)
    drop_weights(model)
    drop_tokenizer(model)
    gc.collect()
    assert model.tokenizer is None and gone() is None


@pytest.mark.model
def test_an_older_export_with_roberta_processing_is_translated_too(
    real_model_folder: Path, tmp_path: Path
) -> None:
    """XLM-R tokenizers exported before TemplateProcessing name the same ``<s> $A </s>`` wrapping
    ``RobertaProcessing`` (and Metaspace's ``add_prefix_space``): the same ids either way."""
    from tokenizers import Tokenizer

    spec = json.loads((real_model_folder / "tokenizer.json").read_text(encoding="utf-8"))
    spec["post_processor"] = {
        "type": "RobertaProcessing",
        "sep": ["</s>", 2],
        "cls": ["<s>", 0],
        "trim_offsets": True,
        "add_prefix_space": True,
    }
    spec["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    spec["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    folder = tmp_path / "older"
    folder.mkdir()
    (folder / "tokenizer.json").write_text(json.dumps(spec), encoding="utf-8")
    compact = compact_tokenizer(folder)
    assert isinstance(compact, CompactTokenizer)
    texts = [clean_text("passage: " + t) for t in TRICKY]
    reference = Tokenizer.from_file(str(folder / "tokenizer.json"))
    assert compact.encode(texts) == [e.ids for e in reference.encode_batch(texts, add_special_tokens=True)]


@pytest.mark.model
def test_the_translation_is_kept_and_read_back(real_model_folder: Path, tmp_path: Path, monkeypatch) -> None:
    from desktop_search.core.model import compact_tokenizer as module

    cache = tmp_path / "cache"
    texts = _real_texts()[:6]
    first = compact_tokenizer(real_model_folder, cache)
    assert first is not None and {p.name for p in cache.iterdir()} == {module.CACHE_MODEL, module.CACHE_META}

    def no_translation(*_args: object) -> None:
        raise AssertionError("translated again")

    with monkeypatch.context() as patched:
        patched.setattr(module, "_translate", no_translation)
        again = compact_tokenizer(real_model_folder, cache)  # read back, not translated
    assert again is not None and again.encode(texts) == first.encode(texts)

    (cache / module.CACHE_MODEL).write_bytes((cache / module.CACHE_MODEL).read_bytes()[:1000])  # cut short
    mended = compact_tokenizer(real_model_folder, cache)
    assert mended is not None and mended.encode(texts) == first.encode(texts)
    assert len((cache / module.CACHE_MODEL).read_bytes()) > 1000  # translated and kept again

    other = tmp_path / "other-model"  # another tokenizer.json: its own translation, not the kept one
    other.mkdir()
    spec = json.loads((real_model_folder / "tokenizer.json").read_text(encoding="utf-8"))
    spec["model"]["vocab"][5] = ["▁zzzzqq", -1.0]
    (other / "tokenizer.json").write_text(json.dumps(spec), encoding="utf-8")
    changed = compact_tokenizer(other, cache)
    assert changed is not None and changed.encode(["zzzzqq"])[0][1] == 5


def test_a_cache_that_cannot_be_written_costs_only_the_translation(tmp_path: Path) -> None:
    from desktop_search.core.model import compact_tokenizer as module

    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    translation = module._Translation("d", b"proto", "{}", 0, 2, 1)
    module._write_cache(blocked / "cache", translation)  # logged, not raised
    assert module._read_cache(blocked / "cache", "d") is None
    module._write_cache(tmp_path / "ok", translation)
    read = module._read_cache(tmp_path / "ok", "d")
    assert read is not None and (read.proto, read.bos, read.eos, read.pad) == (b"proto", 0, 2, 1)
    assert module._read_cache(tmp_path / "ok", "another tokenizer") is None
