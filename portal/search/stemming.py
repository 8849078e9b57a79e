"""Stemming: step 5 of analysis.py, one normalized word at a time.

Porter2 (Snowball English) for Latin words; for Arabic script, a conservative suffix and `ال`
stripper, with the tables of `lexicon` for what suffixes cannot reach (Arabic broken plurals,
other spellings of a compound, `خدمت`/`خدمة`, `مسئله`/`مسأله`), the `ه` that becomes `گ`
before `-ان`/`-ی` (`نمایندگان`, `نمایندگی` -> `نماینده`) and the few words that keep their `ه`.
"""

from __future__ import annotations

import re

from portal.search import lexicon
from portal.search.normalization import ZWNJ, is_arabic_script, normalize
from portal.search.whoosh_engine.stemmer import porter_stem  # Porter2: Snowball English

# Letters only Persian uses: a word holding one is not Arabic, so `ال` is not an article.
_PERSIAN_ONLY = frozenset("پچژگ")
_ARTICLES_LONG = ("وال", "بال", "کال", "فال")  # conjunction/preposition + article
_ARTICLES = ("ال", "لل")
# Longest first. Plural, comparative, Arabic sound plurals and dual, nisba and taa marbuta.
_SUFFIXES = (
    "هایشان",
    "هایتان",
    "هایمان",
    "هایش",
    "هایت",
    "هایم",
    "هایی",
    "ترین",
    "های",
    "ها",
    "تر",
    "ات",
    "ان",
    "ون",
    "ین",
    "یه",
    "ه",
    "ی",
)
_MIN_STEM = 3
# Letters before a `گ` that stands for a word's final `ه` (نماینده -> نمایندگان, خسته ->
# خستگی, همسایه -> همسایگان). Not ن, ر, ا, و: رنگی, بزرگی, بلاگ‌ها, کاتالوگ‌ها are their own.
_GAF_FROM_HEH_AFTER = frozenset("دتزیچشمل")
_VOWELS = frozenset("aeiouy")
_LATIN_WITH_SUFFIX = re.compile(r"([a-z0-9]*[a-z][a-z0-9]*)(ها|های|هایی)")


def strip_article(word: str, min_rest: int) -> str:
    """`word` without a leading Arabic article (`ال`, `لل`, or `وال`/`بال`/... with one more
    letter left), if at least `min_rest` letters remain and the word is not Persian."""
    if _PERSIAN_ONLY.intersection(word):
        return word
    for article in _ARTICLES_LONG:
        if word.startswith(article) and len(word) - len(article) >= min_rest + 1:
            return word[len(article) :]
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= min_rest:
            return word[len(article) :]
    return word


def _folded_table(table: dict[str, str]) -> dict[str, str]:
    return {normalize(key): normalize(value) for key, value in table.items()}


def _compound_spellings() -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """From lexicon.COMPOUNDS: each joined spelling -> the compound's one spelling, and each
    spaced spelling (its pieces) -> the same."""
    joined: dict[str, str] = {}
    spaced: dict[tuple[str, ...], str] = {}
    for compound, others in lexicon.COMPOUNDS.items():
        one = normalize(compound)
        for spelling in (compound, *others):
            parts = [normalize(part) for part in spelling.split(ZWNJ)]
            joined["".join(parts)] = one
            for gaps in range(1, 2 ** (len(parts) - 1)):  # a space or nothing between parts
                pieces = [parts[0]]
                for index, part in enumerate(parts[1:]):
                    if gaps >> index & 1:
                        pieces.append(part)
                    else:
                        pieces[-1] += part
                spaced[tuple(pieces)] = one
    return joined, spaced


_BROKEN_PLURALS = _folded_table(lexicon.BROKEN_PLURALS)
_SPELLINGS = _folded_table({**lexicon.PERSIAN_TEH, **lexicon.HAMZA_SPELLINGS})
# Each spelling of a compound of lexicon.COMPOUNDS: joined -> the compound, and spaced
# (its pieces) -> the compound, which analysis.py joins as it splits words.
COMPOUND_OF, SPACED_COMPOUNDS = _compound_spellings()
_KEEP_FINAL_HEH = frozenset(normalize(word) for word in lexicon.KEEP_FINAL_HEH)
_KEEP_GAF = frozenset(normalize(word) for word in lexicon.KEEP_GAF)


# Arabic pronouns after a ة, which turns into ت before them (خدمتكم, شبكتنا: your service,
# our network). Not ـتي/ـته/ـتها, which end Persian words too (دستی, رفته, شرکتها).
_TEH_PRONOUNS = ("تکما", "تهما", "تنا", "تکم", "تهم")
# Letters an Arabic word may carry in front (and, with, for, so, like): وفواتیر, لعملاء.
_PREFIX_LETTERS = frozenset("وبلفک")


def _singular(word: str) -> str:
    """The word the tables of `lexicon` give for `word` (itself if none)."""
    found = _BROKEN_PLURALS.get(word) or COMPOUND_OF.get(word) or _SPELLINGS.get(word)
    if found:
        return found
    if word[:1] in _PREFIX_LETTERS and len(word) > 3:
        return _BROKEN_PLURALS.get(word[1:], word)
    return word


def _without_pronoun(word: str) -> str:
    """`word` with an Arabic pronoun after a ة taken off, the ة put back (خدمتکم -> خدمه)."""
    for pronoun in _TEH_PRONOUNS:
        if word.endswith(pronoun) and len(word) - len(pronoun) >= _MIN_STEM:
            return word[: -len(pronoun)] + "ه"
    return word


def stem_arabic_script(word: str) -> str:
    """Strip an article and then suffixes until none applies, keeping at least 3 letters.

    Stripping to a fixed point makes `stem(word + suffix) == stem(word)` for stacked forms
    (`برنامه‌ها` -> `برنامه` -> `برنام`, like `برنامه` itself). Before and after each
    suffix, the tables of `lexicon` may give the word's singular (`فواتیرها` -> `فواتیر` ->
    `فاتوره` -> `فاتور`), and a `گ` left by `-ان`/`-ی` goes back to the `ه` the singular had
    (`نمایندگان` -> `نمایندگ` -> `نمایند`, the stem of `نماینده`).
    """
    word = _singular(_without_pronoun(strip_article(word, _MIN_STEM)))
    for _round in range(4):
        for suffix in _SUFFIXES:
            if not word.endswith(suffix) or len(word) - len(suffix) < _MIN_STEM:
                continue
            if suffix == "ه" and word in _KEEP_FINAL_HEH:
                continue
            word = _singular(word[: -len(suffix)])
            if (
                word[-1] == "گ"
                and word[-2] in _GAF_FROM_HEH_AFTER
                and len(word) > _MIN_STEM
                and word not in _KEEP_GAF
            ):
                word = word[:-1]
            break
        else:
            break
    return word


def stem(word: str) -> str:
    """Light stemming of one normalized word: Porter2 for Latin, suffix stripping for Arabic."""
    if is_arabic_script(word):
        return stem_arabic_script(word)
    if word.isascii():
        if not word.isalpha():
            return word
        if len(word) > 3 and word[-1] == "s" and _VOWELS.isdisjoint(word[:-1]):
            return word[:-1]  # a lower-case acronym's plural: `vpns`, `csvs`, `pdfs`
        return porter_stem(word)
    latin = _LATIN_WITH_SUFFIX.fullmatch(word)  # `api‌ها`: a Persian plural of a Latin word
    return stem(latin.group(1)) if latin else word
