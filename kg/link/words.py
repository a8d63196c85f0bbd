"""Which aliases are also ordinary English words (`spec`, `serving`, `Score`, `Framework`, `Monday`).

Generated entity data takes names from repository names and product lists, so some aliases are everyday
words. Two general rules follow (kg.link.matcher): a lower-case alias that is a dictionary word is treated
as ambiguous (it links only with evidence), and a capitalised one never matches an all-lower-case surface.
The dictionary is the union of GCIDE and Webster's Second (english-words package), read only when the
alias automaton is built (then cached with it).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    from english_words import get_english_words_set

    gcide = get_english_words_set(["gcide"], lower=True, alpha=True)
    web2 = get_english_words_set(["web2"], lower=True, alpha=True)
    return frozenset(gcide | web2 | _MODERN) - _NAMES_HERE


# Dictionary words that in writing about software are names first: "a git workflow", "build in docker".
_NAMES_HERE = frozenset({"docker", "git"})


# Everyday words younger than those dictionaries that are also names here: "the intel world" is not Intel,
# "some homebrew logging" not Homebrew.
_MODERN = frozenset({
    "intel", "homebrew", "email", "emails", "online", "blog", "blogs", "app", "apps", "podcast", "podcasts",
    "spam", "wifi", "webinar", "webinars", "selfie", "hashtag", "hashtags", "dockerize", "dockerized",
})


def is_word(text: str) -> bool:
    return text.isascii() and text.isalpha() and text.lower() in dictionary()
