"""Chinese and Japanese lines that a PDF's layout wrapped inside a word are joined again: on small
pages, on the Japanese Debian Reference excerpt (tests/data), and through the real engine, where the
keyword index finds a word the page broke across two lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract.cjk_text import drop_ocr_spaces, join_cjk_wraps
from desktop_search.core.extract.pdf import extract_pdf
from desktop_search.core.extract.results import Deadline
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
EXCERPT = DATA / "debian-reference.ja.excerpt.pdf"
FULL = "Debian は、フリーソフトウエアのコンパイル済みバイナリーパッ"  # a full line, wrapped mid-word


def test_a_full_line_wrapped_inside_a_word_is_joined() -> None:
    page = f"1.1 概要\n{FULL}\nケージからなるディストリビューションです。\n{'あ' * 31}、\nいうことです。"
    assert join_cjk_wraps(page) == (
        f"1.1 概要\n{FULL}ケージからなるディストリビューションです。\n{'あ' * 31}、いうことです。"
    )
    assert join_cjk_wraps(f"{FULL}\nケージ") == f"{FULL}\nケージ"  # a title page: too few lines to tell


def test_headings_sentence_ends_and_short_lines_keep_their_breaks() -> None:
    page = "\n".join(
        [
            "2.1.1 パッケージ設定",  # a heading: short
            f"{FULL[:-3]}します。",  # a full line that ends a sentence
            "パッケージ管理の前提条件について。",
            "表 2.1 パッケージ",  # a table's narrow cells
            "サイズ",
            FULL,
            "Debian reference",  # goes on in Latin letters
        ]
    )
    assert join_cjk_wraps(page) == page


def test_text_without_chinese_or_japanese_is_left_as_it_is() -> None:
    page = "A long line of English text that fills the page from margin to margin\nand goes on."
    assert join_cjk_wraps(page) == page
    assert join_cjk_wraps("") == ""


def test_the_japanese_manual_reads_its_wrapped_words_whole() -> None:
    text = extract_pdf(EXCERPT.read_bytes(), Deadline(60)).text
    # each was broken across two lines of the page ("ディストリビューシ" / "ョン")
    for word in ("ディストリビューションを作り", "セキュリティーアップデート", "おくべきと考えます"):
        assert word in text
    assert "スイーツとコード名の関係は次のようにまとめられます。\n" in text  # a sentence's end stays


@pytest.mark.model
def test_a_word_the_page_wrapped_is_found_by_keyword_and_painted_whole(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs)
    hits = search_folder(docs, tmp_path / "home", real_embedder, '"ディストリビューションを作り"', k=3)
    assert hits
    painted = [hits[0].text[s.start : s.end] for s in hits[0].highlights]
    assert "ディストリビューションを作り" in painted


def test_ocr_spaces_between_chinese_or_japanese_letters_go() -> None:
    assert drop_ocr_spaces("Debian の パッ ケー ジ 管 理 シ ステ ム は 、 apt - get(8) で す 。") == (
        "Debian のパッケージ管理システムは、apt - get(8) です。"
    )
    assert drop_ocr_spaces("软件 包 管理 系统") == "软件包管理系统"
    assert drop_ocr_spaces("an English line stays as it is") == "an English line stays as it is"
