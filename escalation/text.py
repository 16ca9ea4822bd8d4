"""Text handling: normalisation, sentence splitting and the one tokenisation rule.

Everything in ``escalation`` that looks at words goes through :func:`tokenize`:
the TF-IDF terms, the lexicon matches and the fast scorer's vectorised
tokeniser (which is tested to agree with it on arbitrary Unicode).

The rule is deliberately simple so that it can be reproduced exactly with
array operations: lower-case the sentence with :meth:`str.lower`, then take
every maximal run of word characters (Python's ``\\w``: letters, digits,
other numeric characters and ``_``).

Examples
--------
>>> tokenize("Pakistan WILL respond—decisively.")
['pakistan', 'will', 'respond', 'decisively']
>>> analyze("No talks today")
['no', 'talks', 'today', 'no talks', 'talks today']
>>> split_sentences("ISLAMABAD: Talks were halted. Dr. Asif said so.")
['Talks were halted.', 'Dr. Asif said so.']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from nltk.tokenize.punkt import PunktSentenceTokenizer

__all__ = [
    "NAME_TOKEN",
    "NEWS_ABBREVIATIONS",
    "analyze",
    "find_proper_names",
    "normalize",
    "split_sentences",
    "tokenize",
    "word_ngrams",
]

#: The tokenisation rule: a maximal run of word characters.
TOKEN_PATTERN = re.compile(r"\w+")
#: The TF-IDF token that stands for any proper name the model learned to mask.
NAME_TOKEN = "_name_"

#: Abbreviations that end with a period but do not end a sentence in news copy.
#: Lower case, without the final period, as Punkt expects them. Single letters
#: cover initials ("J. F. Kennedy").
NEWS_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # titles and ranks
        "mr", "mrs", "ms", "dr", "prof", "rev", "hon", "sen", "rep", "gov",
        "pres", "amb", "gen", "lt", "col", "maj", "capt", "cmdr", "adm",
        "sgt", "cpl", "pvt", "brig", "lt. gen", "maj. gen", "st", "sr", "jr",
        "fr", "sheikh", "insp", "supt",
        # months and days
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        "sat", "sun",
        # countries, bodies and places written with periods
        "u.s", "u.s.a", "u.n", "u.k", "e.u", "u.a.e", "u.s.s.r", "d.c",
        "n.y", "l.a", "s.a", "p.o",
        # common news abbreviations
        "no", "nos", "vs", "v", "etc", "inc", "ltd", "co", "corp", "dept",
        "govt", "est", "approx", "a.m", "p.m", "e.g", "i.e", "al", "fig",
        "mt", "ft", "km", "mln", "bln", "pct", "ave", "blvd", "rd",
    }
    | set("abcdefghijklmnopqrstuvwxyz")
)

# A dateline at the start of a paragraph: "ISLAMABAD:", "Islamabad:",
# "KABUL (Reuters) -", "GENEVA, March 3 (AP) —". Only up to four capitalised
# words, so ordinary sentences are not touched.
_DATELINE = re.compile(
    r"""^(?:[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})   # place, capitalised
        (?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?       # optional date
        (?:[ \t]*\([A-Za-z .&-]{1,30}\))?                   # optional (Agency)
        [ \t]*(?::|[-–—]{1,2})[ \t]+""",
    re.VERBOSE,
)

_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*")


def normalize(text: str) -> str:
    """Normalise an article before sentence splitting.

    Applies Unicode NFC, turns every run of horizontal white space (tabs,
    no-break and other Unicode spaces) into one space, strips each line and
    keeps line breaks, which mark paragraphs.

    Parameters
    ----------
    text : str
        Raw article text.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalize("Talks\\u00a0halted\\t today.")
    'Talks halted today.'
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    """Punkt with hand-set parameters: no trained data, nothing downloaded.

    nltk is imported here, on first use, because importing it is slow.
    """
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(NEWS_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """Split an article into sentences.

    Paragraph breaks (any line break) always end a sentence; within a
    paragraph nltk's Punkt algorithm splits on sentence-final punctuation,
    using :data:`NEWS_ABBREVIATIONS` so that "Dr.", "U.S." or "Sept." do not
    end a sentence. A dateline at the start of a paragraph ("ISLAMABAD:",
    "KABUL (Reuters) -") is removed.

    Parameters
    ----------
    text : str
        Article text.

    Returns
    -------
    list of str
        The sentences, in order, without empty ones.

    Examples
    --------
    >>> split_sentences("The U.S. envoy met Gen. Khan.\\n“We agreed,” he said.")
    ['The U.S. envoy met Gen. Khan.', '“We agreed,” he said.']
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences expects a str, got {type(text).__name__}")
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(normalize(text)):
        paragraph = _DATELINE.sub("", paragraph, count=1).strip()
        if paragraph:
            sentences.extend(s.strip() for s in _punkt().tokenize(paragraph) if s.strip())
    return sentences


def tokenize(sentence: str) -> list[str]:
    """Tokenise a sentence: lower-case, then every maximal run of ``\\w``.

    Parameters
    ----------
    sentence : str
        One sentence.

    Returns
    -------
    list of str
        The tokens.

    Examples
    --------
    >>> tokenize("Didn't the U.N. say 3,000?")
    ['didn', 't', 'the', 'u', 'n', 'say', '3', '000']
    """
    return TOKEN_PATTERN.findall(sentence.lower())


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """All word n-grams of ``tokens`` with ``min_n <= n <= max_n``, joined by a space.

    Unigrams come first, then bigrams, and so on (the order scikit-learn uses).

    Examples
    --------
    >>> word_ngrams(["will", "respond", "decisively"], (1, 2))
    ['will', 'respond', 'decisively', 'will respond', 'respond decisively']
    """
    min_n, max_n = ngram_range
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def analyze(sentence: str, ngram_range: tuple[int, int] = (1, 2), names: frozenset[str] = frozenset()) -> list[str]:
    """The TF-IDF analyzer: tokens of ``sentence``, proper ``names`` masked, turned into word n-grams.

    Every token in ``names`` becomes :data:`NAME_TOKEN`, so that the model learns from what is
    said, not from who or where. A module-level function (used through :func:`functools.partial`)
    so that fitted pipelines pickle.

    Examples
    --------
    >>> analyze("Kabul rejected talks", (1, 2), names=frozenset({"kabul"}))
    ['_name_', 'rejected', 'talks', '_name_ rejected', 'rejected talks']
    """
    tokens = tokenize(sentence)
    if names:
        tokens = [NAME_TOKEN if t in names else t for t in tokens]
    return word_ngrams(tokens, tuple(ngram_range))


_WORD = re.compile(r"\w+")
#: A sentence with more than this share of capitalised words is in headline case and says
#: nothing about which words are names.
HEADLINE_CASE_SHARE = 0.5


def find_proper_names(texts: Iterable[str], exclude: Iterable[str] = (), *, min_count: int = 2,
                      capitalised_share: float = 0.9) -> frozenset[str]:
    """Lower-cased tokens that are (almost) always capitalised inside a sentence: proper names.

    Looks at every word but the first of each sentence that is not in headline case. A token
    counts as a name if it occurs at least ``min_count`` times there and is capitalised in at
    least ``capitalised_share`` of them. Tokens in ``exclude`` (the lexicon's words) and numbers
    never count.

    Examples
    --------
    >>> sorted(find_proper_names(["Talks in Kabul resumed.", "Envoys met in Kabul today.", "It rained."]))
    ['kabul']
    """
    excluded = set(exclude)
    capitalised: dict[str, int] = {}
    seen: dict[str, int] = {}
    for text in texts:
        words = _WORD.findall(text)
        if len(words) < 2 or sum(w[0].isupper() for w in words) > HEADLINE_CASE_SHARE * len(words):
            continue
        for word in words[1:]:
            for token in tokenize(word):
                seen[token] = seen.get(token, 0) + 1
                if word[0].isupper():
                    capitalised[token] = capitalised.get(token, 0) + 1
    return frozenset(t for t, n in seen.items()
                     if n >= min_count and capitalised.get(t, 0) >= capitalised_share * n
                     and t not in excluded and not t.isdigit())
