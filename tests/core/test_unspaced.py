"""Chinese, Japanese and Thai in the keyword leg: runs of letters written without spaces are indexed as
character bigrams, so a word inside a run is found; the transform, the query terms, the highlighter,
the real store (with an old keyword index rebuilt) and English stemming beside it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.search.highlight import Highlighter, query_terms
from desktop_search.core.search.keyword import KeywordSearch, fts_query
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.store.ledger import ChunkRow, Ledger
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.schema import SCHEMA_VERSION
from desktop_search.core.store.store import Store
from desktop_search.core.store.unspaced import index_form, run_tokens
from tests.support.fake_embedder import HashEmbedder
from tests.support.old_ledgers import OLD_CHUNKS, OLD_INSERT_TRIGGER, old_meta

# a Chinese name (张伟明) and a Japanese term (形態素解析) inside long runs, no spaces around them
CHINESE = "昨天下午项目经理张伟明在会议上介绍了新的数据备份方案并回答了大家的问题"
JAPANESE = "この論文では日本語の形態素解析に関する新しい手法を提案しその精度を評価した"
ENGLISH = "The nightly job indexed every manual and the billing service restarted."
MIXED = "新版本的Debian系统使用apt管理软件包"


# -- the transform ---------------------------------------------------------------------------------


def test_a_run_is_read_as_bigrams_and_its_last_letter() -> None:
    assert index_form("软件包") == " 软件 件包 包 "
    assert index_form("猫") == " 猫 "
    assert index_form("Debian软件包 apt-get") == "Debian 软件 件包 包  apt-get"
    assert index_form("パッケージを") == " パッ ッケ ケー ージ ジを を "


def test_spaced_text_passes_through_unchanged() -> None:
    assert index_form(ENGLISH) == ENGLISH
    assert index_form("Café crème, naïve façade") == "Café crème, naïve façade"
    assert index_form("") == "" and index_form(None) == ""


def test_thai_marks_are_dropped_from_the_tokens_alike_on_both_sides() -> None:
    # unicode61 splits at combining marks; the tokens are the base letters
    assert run_tokens("กิน", closed=True) == ["กน", "น"]
    assert index_form("ภาษาไทย") == " ภา าษ ษา าไ ไท ทย ย "


# -- the query terms --------------------------------------------------------------------------------


def test_short_runs_are_phrases_and_long_runs_their_bigrams() -> None:
    assert fts_query("张伟明") == '"张伟 伟明"'
    assert fts_query("数据备份方案") == '"数据" OR "据备" OR "备份" OR "份方" OR "方案"'
    assert fts_query('"数据备份方案"') == '"数据 据备 备份 份方 方案"'  # quoted: in sequence
    assert fts_query("猫") == '"猫" *'  # one letter: a prefix of a bigram, or the run's last letter


def test_a_katakana_word_is_one_term_and_a_lone_particle_is_left_out() -> None:
    assert fts_query("東京タワー 観光") == '"東京" OR "タワ ワー" OR "観光"'
    assert fts_query("パーミッションを") == '"パー ーミ ミッ ッシ ショ ョン"'
    # a typed sentence: Hiragana-only bigrams (endings, particles) are left out like stop words
    assert fts_query("エディターを変更したい") == '"エデ ディ ィタ ター" OR "を変" OR "変更" OR "更し"'


def test_mixed_cjk_and_latin_queries() -> None:
    assert fts_query("Debian系统 apt") == '"Debian" OR "系统" OR "apt"'
    assert fts_query('"Linux管理"') == '"Linux 管理"'
    terms = [(t.text, t.weight) for t in query_terms("限制APT下载带宽")]
    assert terms == [("限制", 1.0), ("apt", 1.0), ("下载带宽", 1.0)]


def test_the_highlighter_finds_words_inside_runs_and_keeps_kana_voicing() -> None:
    spans, matched = Highlighter(query_terms("张伟明 备份")).find(CHINESE)
    assert [CHINESE[s.start : s.end] for s in spans] == ["张伟明", "备份"]
    assert matched == {"张伟明", "备份"}
    text = "データベースのテータ"  # "データ" must not match "テータ" (no folding of voicing)
    spans, _ = Highlighter(query_terms("データ")).find(text)
    assert [text[s.start : s.end] for s in spans] == ["データ"]
    spans, _ = Highlighter(query_terms('"debian系统"')).find(MIXED)
    assert [MIXED[s.start : s.end] for s in spans] == ["Debian系统"]


def test_particles_and_kana_endings_count_but_are_not_painted() -> None:
    text = "リモートシステム上に公開鍵を登録する。次に示すように設定します。"
    spans, matched = Highlighter(query_terms("Launchpad に SSH の公開鍵を登録するには")).find(text)
    # "鍵を", "を登", "録す" count, but paint only their kanji: the words, not the particle or ending
    assert [text[s.start : s.end] for s in spans] == ["公開鍵", "登録"]
    assert {"に", "する", "公開", "登録"} <= matched  # they still count toward coverage
    # the kanji of such a bigram paints only as a word of its own, not as the end of another word
    other = "状態を整理する。パッケージを使うには"
    spans, _ = Highlighter(query_terms("パッケージを管理して使う")).find(other)
    assert [other[s.start : s.end] for s in spans] == ["パッケージ", "使"]  # not the "理" of "整理"
    # a short Hiragana run beside a word is an ending too, not a word of its own
    assert (
        fts_query("パッケージをアップグレードするには")
        == '"パッ ッケ ケー ージ" OR "アッ ップ プグ グレ レー ード"'
    )
    assert fts_query("りんご") == '"りん んご"'  # alone it is the word asked for
    spans, _ = Highlighter(query_terms("に")).find(text)  # nothing else to paint: it is
    assert [text[s.start : s.end] for s in spans] == ["に", "に", "に"]


def test_a_long_query_run_is_painted_where_its_bigrams_occur() -> None:
    spans, matched = Highlighter(query_terms("新的数据备份")).find(CHINESE)
    assert [CHINESE[s.start : s.end] for s in spans] == ["数据备份"]  # 的 and the 新 beside it: no word
    assert {"新的", "数据", "备份"} <= matched
    text = "用 iconv 转换文本文件的编码。邮件的标准编码"
    spans, _ = Highlighter(query_terms("转换文本文件的编码")).find(text)
    assert [text[s.start : s.end] for s in spans] == ["转换文本文件", "编码", "编码"]  # not 邮"件的"


# -- through the real store ---------------------------------------------------------------------------


def _write(store: Store, emb: HashEmbedder, path: str, texts: list[str]) -> None:
    key = to_key(path)
    rows, pos = [], 0
    for n, t in enumerate(texts):
        rows.append(ChunkRow(chunk_id(key, n), key, n, t, pos, pos + len(t), ext="txt"))
        pos += len(t) + 2
    store.write_file(FileRecord(key, "/docs", FileStatus.PENDING, size=10), rows, emb.embed_documents(texts))


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "index", "test/hash-embedder")
    yield s
    s.close()


@pytest.fixture
def searcher(store: Store, hash_embedder: HashEmbedder) -> Searcher:
    _write(store, hash_embedder, "/docs/zh.txt", [CHINESE])
    _write(store, hash_embedder, "/docs/ja.txt", [JAPANESE])
    _write(store, hash_embedder, "/docs/en.txt", [ENGLISH])
    _write(store, hash_embedder, "/docs/mixed.txt", [MIXED])
    _write(store, hash_embedder, "/docs/other.txt", ["会议室明天下午不开放", "日本語の文法について"])
    return Searcher(store, hash_embedder)


def _keyword_paths(searcher: Searcher, query: str) -> list[str]:
    return [h.path for h in searcher.search(query, k=5, mode="keyword")]


def test_a_name_and_a_term_inside_runs_are_found_by_the_keyword_leg_alone(searcher: Searcher) -> None:
    assert _keyword_paths(searcher, "张伟明") == ["/docs/zh.txt"]
    assert _keyword_paths(searcher, "形態素解析") == ["/docs/ja.txt"]
    hit = searcher.search("形態素解析", k=5, mode="keyword")[0]
    assert [hit.text[s.start : s.end] for s in hit.highlights] == ["形態素解析"]
    # a question typed as one run: its bigrams find the passage
    assert _keyword_paths(searcher, "张伟明介绍的备份方案是什么")[0] == "/docs/zh.txt"


def test_mixed_queries_and_english_stemming_beside_cjk(searcher: Searcher) -> None:
    assert _keyword_paths(searcher, "Debian软件包")[0] == "/docs/mixed.txt"
    assert _keyword_paths(searcher, '"Debian系统"') == ["/docs/mixed.txt"]
    assert _keyword_paths(searcher, "index restarting") == ["/docs/en.txt"]  # porter: indexed, restarted
    assert _keyword_paths(searcher, "猫") == []


def test_deleting_and_rewriting_keeps_the_keyword_index_consistent(
    store: Store, hash_embedder: HashEmbedder, searcher: Searcher
) -> None:
    _write(store, hash_embedder, "/docs/zh.txt", ["完全不同的内容"])
    assert _keyword_paths(searcher, "张伟明") == []
    assert _keyword_paths(searcher, "不同") == ["/docs/zh.txt"]
    store.remove_files([to_key("/docs/ja.txt")])
    assert _keyword_paths(searcher, "形態素解析") == []
    assert store._fts_consistent()  # FTS5's integrity check reads the same index form
    assert store.check(repair=False).consistent


_SCHEMA_4_KEYWORDS = (
    old_meta(4)
    + OLD_CHUNKS
    + OLD_INSERT_TRIGGER
    + """
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
    VALUES ('delete', old.rowid, old.text, coalesce(old.heading, ''));
END;
"""
)


def test_an_old_keyword_index_is_rebuilt_so_words_inside_runs_match(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(_SCHEMA_4_KEYWORDS)
    rows = [("zh:0", CHINESE, "会议记录"), ("en:0", ENGLISH, None)]
    for cid, text, heading in rows:
        conn.execute(
            "INSERT INTO chunks(chunk_id, path, number, start, end, heading, text)"
            " VALUES (?, ?, 0, 0, 1, ?, ?)",
            (cid, "/" + cid, heading, text),
        )
    conn.commit()
    assert conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH '张伟明'").fetchone()[0] == 0
    conn.close()
    ledger = Ledger(db)
    try:
        assert ledger.get_meta("schema_version") == str(SCHEMA_VERSION)
        search = KeywordSearch(ledger)
        assert [h.chunk_id for h in search.search("张伟明", 5)] == ["zh:0"]
        assert [h.chunk_id for h in search.search("记录", 5)] == ["zh:0"]  # the heading too
        assert [h.chunk_id for h in search.search("indexing", 5)] == ["en:0"]
        ledger.delete_files(["/zh:0"])  # the trigger deletes what the rebuild indexed
        assert search.search("张伟明", 5) == []
        ledger.conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        ledger.close()


@pytest.mark.model
def test_real_model_keyword_leg_finds_names_and_terms_hybrid_ranks_them_first(
    tmp_path: Path, real_embedder
) -> None:
    from desktop_search.core.engine import Engine

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "会议.txt").write_text(CHINESE, encoding="utf-8")
    (docs / "論文.txt").write_text(JAPANESE, encoding="utf-8")
    (docs / "other-zh.txt").write_text("会议室明天下午不开放，请大家提前安排时间。", encoding="utf-8")
    (docs / "other-ja.txt").write_text("日本語の文法について説明する入門書です。", encoding="utf-8")
    (docs / "en.txt").write_text(ENGLISH, encoding="utf-8")
    engine = Engine.open(data_dir=tmp_path / "home", embedder=real_embedder)
    try:
        engine.add_folder(docs)
        engine.index()
        for query, name in (("张伟明", "会议.txt"), ("形態素解析", "論文.txt")):
            keyword = engine.search(query, k=5, mode="keyword")
            assert [Path(h.path).name for h in keyword] == [name]
            assert Path(engine.search(query, k=5)[0].path).name == name
        assert Path(engine.search("indexing manuals", k=5, mode="keyword")[0].path).name == "en.txt"
    finally:
        engine.close()
