"""The stop words: words too common to tell passages apart, in the languages users mostly search in.

The keyword leg leaves them out of a query that has other words (never out of a quoted phrase):
scanning their long posting lists is most of a keyword query's cost on a big index. The highlighter
weighs them low, so matching only them covers little of a query.
"""

from __future__ import annotations

_STOPWORD_TEXT = """
a an and are as at be but by for from has have if in into is it its of on or that the their then
there these they this to was were what when where which who why will with how do does did not no
der die das und ist nicht ein eine einen einem einer zu zum zur mit von den dem des im auf für wie
wird werden wurde sich auch sind oder aber bei nach wenn wann dass kann noch nur sein seine ihr ihre aus
le la les de des du et est un une en que qui pour pas dans sur avec sont ce cette il elle au aux ou mais
el los las y es una por para con del al lo su sus como más pero sobre este esta
di che della delle gli nel nella sono non het een van niet voor zijn met
o os do da dos das em na não uma com"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
