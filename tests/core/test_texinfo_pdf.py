"""A Texinfo manual's PDF (an excerpt of LilyPond's German Learning Manual, tests/data): its outline
stores titles without accents ("3 Ubliche Notation"), its music examples are set in a font whose glyph
names ("noteheads.s2") have no Unicode characters."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from desktop_search.core import SearchHit
from desktop_search.core.extract.pdf import drop_glyph_names, extract_pdf
from desktop_search.core.extract.pdf_headings import respelled
from desktop_search.core.extract.results import Deadline
from desktop_search.core.search.crumb_passages import MAX_WORDS
from desktop_search.core.search.figure_passages import is_figure_text
from desktop_search.core.search.license_passages import is_license_text
from tests.support.real_search import indexed_engine, search_folder

EXCERPT = Path(__file__).resolve().parent.parent / "data" / "lilypond-learning.de.excerpt.pdf"


def test_an_accentless_title_takes_the_spelling_of_its_page() -> None:
    page = "24\n3 Übliche Notation\nDieser Abschnitt erklärt, wie Tonhöhen notiert werden."
    assert respelled("3 Ubliche Notation", page) == "3 Übliche Notation"
    assert respelled("Tonhohen und Tonarten", page) == "Tonhöhen und Tonarten"  # words it lacks stay
    assert respelled("Übliche Notation", "Ubliche") == "Übliche Notation"  # accented titles stay
    assert respelled("Notation", page) == "Notation"


def test_glyph_names_read_as_nothing() -> None:
    encoding = {65: "A", 47: "/", 100: "/noteheads.s2", 101: "/clefs.G", 102: ""}
    drop_glyph_names(encoding)
    assert encoding == {65: "A", 47: "/", 100: "", 101: "", 102: ""}


@pytest.fixture(scope="module")
def sections():
    return extract_pdf(EXCERPT.read_bytes(), Deadline(120)).sections


def test_outline_headings_are_spelled_as_the_text(sections) -> None:
    headings = {s.heading for s in sections}
    assert "3 Übliche Notation › 3.1 Notation auf einem System" in headings
    assert "3 Übliche Notation › 3.1.3 Bindebögen und Legatobögen › Bindebögen" in headings
    assert (
        "3 Übliche Notation › 3.1 Notation auf einem System"
        " › 3.1.2 Tonhöhen und Tonartbezeichnungen (Vorzeichen)" in headings
    )
    assert not any("Ubliche" in (h or "") or "bogen und" in (h or "") for h in headings)
    ties = next(
        s
        for s in sections
        if s.heading == "3 Übliche Notation › 3.1.3 Bindebögen und Legatobögen › Bindebögen"
    )
    assert ties.page == 5 and ties.text.startswith("Bindebögen\n")  # cut where its title is


def test_music_examples_leave_no_glyph_names(sections) -> None:
    text = "\n".join(s.text for s in sections)
    assert "Man schreibt einen Bindebogen, indem man eine Tilde" in text
    for name in ("noteheads", "clefs.G", "timesig", "accidentals", "/rests."):
        assert name not in text


@pytest.mark.model
def test_a_question_finds_the_section_under_its_spelled_heading(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs / EXCERPT.name)
    hits = search_folder(
        docs, tmp_path / "home", real_embedder, "Wie schreibe ich einen Phrasierungsbogen?", k=3
    )
    assert hits[0].page == 5
    assert hits[0].heading == "3 Übliche Notation › 3.1.3 Bindebögen und Legatobögen › Phrasierungsbögen"
    assert "noteheads" not in hits[0].text


def test_a_word_the_page_also_writes_plain_keeps_its_spelling() -> None:
    page = "A minimal example\nUn exemple à compléter, a little bit more complete.\nprocfs e sysfs. È vero."
    assert respelled("A minimal example (a little bit more complete)", page) == (
        "A minimal example (a little bit more complete)"
    )
    assert respelled("procfs e sysfs", page) == "procfs e sysfs"


@pytest.mark.model
def test_the_licence_appendix_found_by_meaning_alone_keeps_half_its_score(
    tmp_path: Path, real_embedder
) -> None:
    """The manual's GFDL appendix has half its passages without licence wording; its heading names it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs / EXCERPT.name)
    query = "Wie gebe ich meinem Stück einen Titel und den Namen des Komponisten?"
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        scored = {h.chunk_id: h.score for h in engine.search(query, k=200, grouped=False)}
        engine.tune_search(license_factor=1.0)
        plain = engine.search(query, k=200, grouped=False)
    appendix = [h for h in plain if (h.heading or "").startswith("B GNU Free Documentation License")]
    by_heading_only = [h for h in appendix if h.keyword_score is None and not is_license_text(h.text)]
    assert by_heading_only
    for h in appendix:
        if h.keyword_score is None:
            assert scored[h.chunk_id] == pytest.approx(h.score * 0.5)


def _passages(hits: list[SearchHit]) -> list[SearchHit]:
    """Every passage of a result list, those shown under their page's best one too."""
    return [p for h in hits for p in (h, *h.inline, *h.more)]


def _scored_and_plain(
    tmp_path: Path, real_embedder, query: str, **rule_off: float
) -> tuple[dict[str, float], list[SearchHit]]:
    """The excerpt searched for ``query``: every passage's score, then the passages with a ranking rule
    turned off (``rule_off``)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs / EXCERPT.name)
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        scored = {h.chunk_id: h.score for h in _passages(engine.search(query, k=200, grouped=False))}
        engine.tune_search(**rule_off)
        return scored, _passages(engine.search(query, k=200, grouped=False))


@pytest.mark.model
def test_a_scores_labels_found_by_meaning_alone_keep_half_their_score(tmp_path: Path, real_embedder) -> None:
    """Page 6 is a printed four-part score: its text layer is the lyrics and parts, one per line."""
    query = "Wie setze ich eine Partitur für einen vierstimmigen Chor?"
    scored, plain = _scored_and_plain(tmp_path, real_embedder, query, figure_factor=1.0)
    score = [h for h in plain if is_figure_text(h.text)]
    assert score and all(h.page == 6 and "lamb" in h.text for h in score)
    for h in score:
        assert h.keyword_score is None
        assert scored[h.chunk_id] == pytest.approx(h.score * 0.5)


@pytest.mark.model
def test_a_title_alone_found_by_meaning_alone_keeps_half_its_score(tmp_path: Path, real_embedder) -> None:
    """Page 4 opens section 3.1.3 with its title alone (its text follows under the next heading): a
    crumb, whose vector is mostly its heading's."""
    query = "How do I connect two notes with a tie or a slur?"
    scored, plain = _scored_and_plain(tmp_path, real_embedder, query, crumb_factor=1.0)
    crumbs = [h for h in plain if h.text.strip() == "3.1.3 Bindebögen und Legatobögen"]
    assert len(crumbs) == 1 and crumbs[0].page == 4 and crumbs[0].keyword_score is None
    assert scored[crumbs[0].chunk_id] == pytest.approx(crumbs[0].score * 0.5)
    texts = [h for h in plain if len(h.text.split()) > MAX_WORDS + 3]  # the section's text: kept as it was
    assert texts and all(scored[h.chunk_id] == pytest.approx(h.score) for h in texts if h.keyword_score)


def test_a_chapter_the_outline_files_under_the_one_before_is_a_chapter() -> None:
    """LilyPond's Usage manual files "5 Suggestions for writing files" under "4 External programs"."""
    from pypdf import PdfReader, PdfWriter

    from tests.core.extract_samples import make_pdf

    pages = [
        ["4.5 Independent includes", "Some people write large sections of music that they include."],
        ["5 Suggestions for writing files", "Now you are ready to begin writing larger files.",
         "5.1 General suggestions", "Include version numbers in every file."],
    ]  # fmt: skip
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages))))
    chapter = writer.add_outline_item(title="4 External programs", page_number=0)
    writer.add_outline_item(title="4.5 Independent includes", page_number=0, parent=chapter)
    misfiled = writer.add_outline_item(title="5 Suggestions for writing files", page_number=1, parent=chapter)
    writer.add_outline_item(title="5.1 General suggestions", page_number=1, parent=misfiled)
    out = io.BytesIO()
    writer.write(out)
    headings = {s.heading for s in extract_pdf(out.getvalue(), Deadline(60)).sections}
    assert "5 Suggestions for writing files › 5.1 General suggestions" in headings
    assert "4 External programs › 4.5 Independent includes" in headings
    assert not any("4 External programs › 5" in (h or "") for h in headings)


def test_a_section_whose_title_opens_with_a_capital_letter_is_no_appendix() -> None:
    """R's manuals file "R and statistics" and "A specific example" under numbered chapters: sections
    of them, not appendices R and A; "B Invoking R" after "A A sample session" is one."""
    from pypdf import PdfReader, PdfWriter

    from tests.core.extract_samples import make_pdf

    pages = [
        ["1 Introduction and preliminaries", "1.1 The R environment", "R is an integrated suite of software.",
         "1.3 R and statistics", "Many people use R as a statistics system."],
        ["1.4 R and the window system", "The most convenient way to use R is at a workstation."],
        ["Appendix A A sample session", "The following session introduces some features."],
        ["Appendix B Invoking R", "Users of R on Unix start it with the command R."],
    ]  # fmt: skip
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages))))
    chapter = writer.add_outline_item(title="1 Introduction and preliminaries", page_number=0)
    for title, page in [("The R environment", 0), ("R and statistics", 0), ("R and the window system", 1)]:
        writer.add_outline_item(title=title, page_number=page, parent=chapter)
    appendix = writer.add_outline_item(title="A A sample session", page_number=2)
    misfiled = writer.add_outline_item(title="B Invoking R", page_number=3, parent=appendix)
    assert misfiled is not None
    out = io.BytesIO()
    writer.write(out)
    headings = {s.heading for s in extract_pdf(out.getvalue(), Deadline(60)).sections}
    assert "1 Introduction and preliminaries › 1.3 R and statistics" in headings
    assert "1 Introduction and preliminaries › 1.4 R and the window system" in headings
    assert not any((h or "").startswith("R and") for h in headings)
    assert any((h or "").startswith("B Invoking R") or (h or "").endswith("B Invoking R") for h in headings)
