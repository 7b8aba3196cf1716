"""The stop words: words too common to tell passages apart, in the languages users mostly search in.

The keyword leg leaves them out of a query that has other words (never out of a quoted phrase):
scanning their long posting lists is most of a keyword query's cost on a big index. The highlighter
weighs them low, so matching only them covers little of a query.
"""

from __future__ import annotations

from desktop_search.core.search.query_words import WORD

_STOPWORD_TEXT = """
a an and are as at be but by for from has have if in into is it its of on or that the their then
there these they this to was were what when where which who why will with how do does did not no
der die das und ist nicht ein eine einen einem einer zu zum zur mit von den dem des im auf für wie
wird werden wurde sich auch sind oder aber bei nach wenn wann dass kann noch nur sein seine ihr ihre aus
le la les de des du et est un une en que qui pour pas dans sur avec sont ce cette il elle au aux ou mais
el los las y es una por para con del al lo su sus como más pero sobre este esta
di che della delle gli nel nella sono non het een van niet voor zijn met
o os do da dos das em na não uma com
ich du er wir sie uns euch ihn ihm ihnen mich mir dich dir mein meine meinen meinem meiner dein deine
welche welcher welches welchen welchem wo wer warum wieso weshalb damit ob bis um am vom beim ins ans
über unter durch gegen ohne statt muss müssen soll sollte sollen könnte können darf habe haben hatte
gibt diese dieser dieses diesem diesen kein keine keinen alle allen jede jeder jedes andere anderen
anderer anderes schon sehr mehr dann denn doch hier dort jetzt immer selbst bitte
je me mon ma mes nous vous se ne ni sa ses leur leurs si y quel quelle quels quelles quoi pourquoi où
quand puis peut peux dois doit faut fait faire être avoir tout tous toute toutes aussi même sous après par
yo tu tú mi mis nos qué cómo cuál cuáles cuándo dónde quién ser estar está están puedo puede pueden
hasta desde también muy ya otro otra otros todo todos toda todas hacer tengo tiene como
il i e è uno per ma ci alla allo dei degli dal dalla questo questa questi quale quali cosa anche più
posso può devo perché eu meu minha mais pode onde porque ao à ik hoe wat om ook aan maar bij naar uit
mijn op te dat wordt worden werd kan kunnen moet moeten heb hebben heeft deze geen waar wanneer welke welk
waarom zich nog zo wil zal zou hun jullie wij jij uw onze ons haar ze zij mij daar toch
и в во не что как а то все так его но к у же вы за бы по только мне от меня нет о из ему когда ли если
уже или ни быть был была были до вам там себя может они где есть надо для мы их чем без кто этот того
потому какой какая какие каких можно при об после над через эти нас про них мой моя свой свою этой этом
это нужно чтобы почему зачем я он она ты всех всё весь вся на с со чего себе тот та те делать сделать"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Function words of one language that are content words in another ("war" is German for "was", and
# English for war): stop words only in a query written in that language (see stopwords_for).
LANGUAGE_STOPWORDS = {
    "de": frozenset(["war", "man", "hat", "als", "also", "bin", "bist"]),
    "fr": frozenset(["comment", "son", "plus", "sans", "car", "ai"]),
    "es": frozenset(["son", "sin", "hay", "era"]),
    "it": frozenset(["come", "era", "chi", "dove"]),
    "pt": frozenset(["era", "sem"]),
    "nl": frozenset(["door", "over", "dit", "dan", "tot", "onder", "als", "mag", "erg", "hem", "men", "was"]),
}
_BY_LANGUAGE = {lang: STOPWORDS | words for lang, words in LANGUAGE_STOPWORDS.items()}


def stopwords_for(language: str | None, query: str = "") -> frozenset[str]:
    """The stop words of a query in ``language`` (an ISO 639-1 code; None when unknown), with the verb
    that frames a German question of ``query`` (:func:`framing_verbs`)."""
    stop = _BY_LANGUAGE.get(language or "", STOPWORDS)
    return stop | framing_verbs(query, language) if query else stop


def framing_verbs(query: str, language: str | None) -> frozenset[str]:
    """The finite verb before "ich" in a German question ("Wie *schreibe* ich Akkorde?", "Wie *richte*
    ich den Versand ein?"), in lower case: the first person a manual hardly uses (it says "schreiben"
    or "Schreiben Sie"), so where it does occur it is chance ("Schreibe die Ausgabe in …" of a German
    command's help ranked third for "Wie schreibe ich einen Auftakt?"). It frames the question as "how
    do I" does, and counts like a stop word. The verb opens the query, or follows a question word
    ("Welches Paket installiere ich?") and is typed in lower case (a noun before "ich", as in "…, welche
    Datei ich brauche", is capitalised); "Ich habe … gelöscht" keeps its words."""
    if language != "de":
        return frozenset()
    typed = WORD.findall(query)
    words = [w.lower() for w in typed]
    verbs = set()
    for i in range(1, len(words)):
        if words[i] != "ich":
            continue
        opens = i == 1
        asked = typed[i - 1][:1].islower() and any(w in _QUESTION_WORDS for w in words[: i - 1])
        if opens or asked:
            verbs.add(words[i - 1])
    return frozenset(verbs - STOPWORDS)


_QUESTION_WORDS = frozenset(
    ("wie", "wo", "was", "wann", "warum", "wieso", "weshalb", "womit", "wozu", "woher", "wohin",
     "welche", "welcher", "welches", "welchen", "welchem")
)  # fmt: skip
