"""Accent- and case-insensitive text search: 'securite' finds « Sécurité », 'oeuvre' finds « œuvre »."""

import unicodedata

MAX_WORDS = 8


# Ligatures have no decomposition: spelled out, as most people type them ("oeuvre" finds « œuvre »).
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
# Typographic apostrophes (as phones and Macs type them) read as the straight one, and the points of inclusive
# spellings are dropped: "d’insertion" finds "d'insertion", "salariées" finds « salarié·es ».
PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "·": None, "•": None})


def normalise(text: str) -> str:
    """Lower case, accents removed, ligatures spelled out, one apostrophe, inclusive points dropped, spaces
    collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES).translate(PUNCTUATION))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def search_document(*, code: str, title: str, objectives: list[str]) -> str:
    """What the catalogue's text search looks into: code, title and objectives."""
    return normalise(" ".join([code, title, *objectives]))


def search_words(query: str) -> list[str]:
    """The words of a query, normalised like the documents; a few at most."""
    return normalise(query).split()[:MAX_WORDS]
