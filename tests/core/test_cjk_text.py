"""Chinese and Japanese lines that a PDF's layout wrapped inside a word are joined again: on small
pages, on the Japanese Debian Reference excerpt (tests/data), and through the real engine, where the
keyword index finds a word the page broke across two lines. The same for text files an editor
hard-wrapped (the Chinese Debian Reference's text edition), Markdown and reStructuredText, and for
line breaks in HTML markup (the Japanese Debian Edu manual's EPUB)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import extract_file
from desktop_search.core.extract.cjk_text import (
    close_letter_spacing,
    drop_ocr_spaces,
    drop_segment_breaks,
    join_cjk_wraps,
)
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.html import html_parts
from desktop_search.core.extract.markdown import extract_markdown
from desktop_search.core.extract.pdf import extract_pdf
from desktop_search.core.extract.results import Deadline
from tests.core.extract_samples import pdf_objects
from tests.support.real_search import indexed_engine, search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
EXCERPT = DATA / "debian-reference.ja.excerpt.pdf"
ZH_TEXT = DATA / "debian-reference.zh-cn.excerpt.txt"  # w3m's text edition, wrapped at 70 columns
JA_EPUB = DATA / "epub-debian-edu-manual-ja-folder.epub"
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


def test_the_chinese_text_edition_reads_its_wrapped_words_whole(tmp_path: Path) -> None:
    text = extract_file(ZH_TEXT).text
    # "窗口" (window), "守护进程" (daemon) and "快捷键" (shortcut) were each broken across two lines
    for words in ("设置右边窗口为", "守护进程gpm(8)", '通过 "首选项" →“通用”-> "快捷键" 菜单'):
        assert words in text
    assert "(在\n    MC 里进行" in text  # a line going on in Latin letters keeps its break (a space)
    assert "1.3.3. MC 文件管理\n" in text  # a heading keeps its break


def test_markdown_and_rst_join_wraps_but_not_after_a_heading(tmp_path: Path) -> None:
    body = "\n".join(["# " + "标题" * 14, "正文" * 15, "续行" * 15, "结束。", "", "新段落", "。"])
    text = extract_markdown(body.encode(), Deadline(60)).text
    assert "正文" * 15 + "续行" * 15 + "结束。" in text
    assert "标题" * 14 + "\n" + "正文" in text  # a heading as wide as the text keeps its break
    rst = extract_file(_write(tmp_path / "a.rst", "\n".join(["标题", "====", "", *["正文" * 15] * 4, "完"])))
    assert "正文" * 60 + "完" in rst.text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_line_breaks_in_markup_between_chinese_or_japanese_letters_are_dropped() -> None:
    assert drop_segment_breaks("PXE ブートによる\n  新しいサーバー") == "PXE ブートによる新しいサーバー"
    assert drop_segment_breaks("Debian\nEdu による\nDHCP、\n「設定」") == "Debian\nEdu による\nDHCP、「設定」"
    parts, _ = html_parts("<p>PXE ブートによる\n新しいサーバー\nDebian\nEdu</p>")
    assert parts[0].text.strip() == "PXE ブートによる新しいサーバー Debian Edu"


def test_an_epub_zipped_one_folder_up_is_read() -> None:
    book = extract_file(JA_EPUB)  # Debian Edu's manuals: every member under "epub/"
    assert book.kind == "epub"
    assert "PXE ブートによる新しいサーバーやワークステーションのインストール" in book.text
    assert "全体の構成 › ネットワーク構成 › デフォルトのネットワーク設定" in [
        s.heading for s in book.sections
    ]


@pytest.mark.model
def test_wrapped_words_of_text_and_markup_are_found_by_keyword(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (ZH_TEXT, JA_EPUB, EXCERPT):
        shutil.copy(path, docs)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        for query, name in (
            ('"右边窗口"', ZH_TEXT.name),
            ('"新しいサーバー"', JA_EPUB.name),
            ('"スイーツの内の"', EXCERPT.name),  # spread letters on the PDF's page
        ):
            hits = engine.search(query, k=3, grouped=False)
            assert hits and Path(hits[0].path).name == name, query
            painted = "".join(hits[0].text[s.start : s.end] for s in hits[0].highlights)
            assert query.strip('"') in painted
    finally:
        engine.close()


def test_a_plain_text_mail_reads_its_wrapped_words_whole_and_keeps_its_quote_apart() -> None:
    """The Chinese text edition's section sent as a mail (GB18030, as mail programs wrap it), and a reply
    that quotes it: the body's words are whole, the quoted lines stay quoted lines."""
    section = ZH_TEXT.read_text(encoding="utf-8").split("MC 文件管理\n\n", 1)[1].split("\n\n")[0]
    body = "\n".join(line.strip() for line in section.splitlines())  # as typed, without w3m's indent
    message = (
        b"From: =?utf-8?b?5byg5Lyf?= <wei@example.org>\nTo: list@example.org\nSubject: MC\n"
        b'MIME-Version: 1.0\nContent-Type: text/plain; charset="gb18030"\nContent-Transfer-Encoding: 8bit\n\n'
    ) + body.encode("gb18030")
    text = extract_data("mc.eml", message).text
    assert "设置右边窗口为" in text and "守护进程gpm(8)" in text
    quoted = "\n".join(f"> {line}" for line in body.splitlines())
    reply = message.replace(body.encode("gb18030"), ("谢谢！\n\n" + quoted).encode("gb18030"))
    own, quote = extract_data("re.eml", reply).sections
    assert "谢谢" in own.text and "设置右边窗口为" not in own.text
    assert quote.navigation and "设置右边窗口为" in quote.text  # ranked after own text, and whole


def test_letters_a_justified_pdf_line_spread_apart_are_closed_up() -> None:
    """Lines as pypdf reads them from the Japanese AMC manual and Debian Edu manual: a long unbreakable
    word made the line spread its other letters one space apart."""
    amc = "特 定 の 設 問 の 番 号 を 非 表 示 に し て、 番 号 の 増 加 を 抑 制 す る に は、 次 の 例"
    assert close_letter_spacing(amc) == "特定の設問の番号を非表示にして、番号の増加を抑制するには、次の例"
    edu = "ソ ー ス コ ー ド は 通 常 の Debian ア ー カ イ ブ と 同 様 に 様 々 な 方 法 で 入 手"
    assert close_letter_spacing(edu) == "ソースコードは通常の Debian アーカイブと同様に様々な方法で入手"
    written = "Debian システムは パッケージ の集合体 (the spaces its author typed)"
    assert close_letter_spacing(written) == written
    text = extract_pdf(EXCERPT.read_bytes(), Deadline(60)).text
    assert "基本的に、stable か testing か unstable のスイーツの内の 1 つだけを" in text


def test_a_narrow_table_cell_wrapped_before_a_small_kana_is_joined() -> None:
    """Rows of the Japanese Debian Reference's aptitude table as pypdf reads them: cells wrapped inside
    "パッケージ" and "マッチ", far narrower than the page's full lines."""
    sentence = f"{FULL[:-3]}します。"  # the page's full lines, around the table
    page = "\n".join(
        [
            *[sentence] * 3,
            "表 2.11: aptitude の正規表現式の表記",
            "削除済みだが完全削除されていないパッケ",
            "ージとマッチ ~c",
            "壊れた依存関係宣言をしたパッケージとマ",
            "ッチ ~b",
            *[sentence] * 3,
            "説明",
        ]
    )
    joined = join_cjk_wraps(page)
    assert "削除済みだが完全削除されていないパッケージとマッチ ~c\n" in joined
    assert "壊れた依存関係宣言をしたパッケージとマッチ ~b\n" in joined
    assert "の表記\n削除済み" in joined and joined.endswith("します。\n説明")  # other breaks stay


EUSLISP = DATA / "euslisp-jmanual.excerpt.pdf"


def test_japanese_in_a_font_without_a_unicode_map_reads_through_its_collection() -> None:
    """pLaTeX's non-embedded Ryumin and GothicBBB: Adobe-Japan1 CIDs through Identity-H, no /ToUnicode.
    pypdf read each CID as the code point of that number ("ϦϑΝϨϯεϚχϡΞϧ")."""
    result = extract_pdf(EUSLISP.read_bytes(), Deadline(60))
    assert "リファレンスマニュアル" in result.text
    assert "hash-table は、キーで連想される値を探すためのクラスである" in result.text
    assert "Ϧ" not in result.text and "ͷ" not in result.text
    contents = [s for s in result.sections if s.text.startswith("目 次")]
    assert contents and all(s.navigation for s in contents)  # spaced-out title, colon leaders


def test_only_composite_fonts_of_a_known_collection_without_a_map_take_its_table() -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    from desktop_search.core.extract.pdf_cid_fonts import collection_characters

    def font(ordering: str = "Japan1", encoding: str = "/Identity-H", **extra: object) -> DictionaryObject:
        info = DictionaryObject(
            {
                NameObject("/Registry"): TextStringObject("Adobe"),
                NameObject("/Ordering"): TextStringObject(ordering),
                NameObject("/Supplement"): NumberObject(2),
            }
        )
        descendant = DictionaryObject({NameObject("/CIDSystemInfo"): info})
        entries = {
            NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/Encoding"): NameObject(encoding),
            NameObject("/DescendantFonts"): ArrayObject([descendant]),
        }
        entries.update({NameObject(k): v for k, v in extra.items()})  # type: ignore[misc]
        return DictionaryObject(entries)

    japanese = collection_characters(font())
    assert japanese is not None and japanese[chr(887)] == "の" and japanese[chr(998)] == "リ"
    assert collection_characters(font(encoding="/Identity-V")) is not None
    assert collection_characters(font("GB1")) is not None
    assert collection_characters(font("Identity")) is None  # glyph ids: no table says what they are
    assert collection_characters(font(encoding="/UniJIS-UTF16-H")) is None  # pypdf decodes these
    assert collection_characters(font(**{"/ToUnicode": NameObject("/Identity")})) is None
    assert collection_characters(DictionaryObject({NameObject("/Subtype"): NameObject("/Type1")})) is None


@pytest.mark.model
def test_the_japanese_manual_without_a_unicode_map_is_found_by_keyword_and_meaning(
    tmp_path: Path, real_embedder
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EUSLISP, docs)
    shutil.copy(EXCERPT, docs)  # Debian Reference's Japanese pages, as distraction
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        for query in ("ハッシュテーブル", "which lookup structure is faster than an association list"):
            hits = engine.search(query, k=3, grouped=False)
            assert hits and hits[0].path.endswith("euslisp-jmanual.excerpt.pdf"), (query, hits[:2])
            assert hits[0].page == 2


def _jis_font_pdf(jis_codes: bytes) -> bytes:
    """A one-page PDF whose text is set in a non-embedded Ryumin-Light through the predefined "H" CMap
    (JIS X 0208 two-byte codes), with no /ToUnicode, as older pTeX and office exports wrote them."""

    stream = b"BT /F1 12 Tf 72 720 Td <" + jis_codes.hex().upper().encode() + b"> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Ryumin-Light-H /Encoding /H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Ryumin-Light /FontDescriptor 7 0 R"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> >>",
        b"<< /Type /FontDescriptor /FontName /Ryumin-Light /Flags 4 /FontBBox [0 -141 1000 859]"
        b" /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>",
    ]
    return pdf_objects(objects)


def test_japanese_in_a_jis_coded_font_without_a_unicode_map_reads_through_its_cmap() -> None:
    """ "Ryumin-Light-H": two-byte JIS X 0208 codes, which pypdf read as code points ("䙼䭜㡬")."""
    text = extract_pdf(_jis_font_pdf(bytes.fromhex("467C4B5C386C")), Deadline(60)).text  # 日本語
    assert text.strip() == "日本語"
