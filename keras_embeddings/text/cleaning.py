"""The CBOW notebook's cleaning and tokenization, without NLTK's downloads.

The notebook (Coursera NLP C2 W4, "word embeddings step by step" §2.1) cleans
a corpus in three steps:

1. runs of interrupting punctuation `, ! ? ; -` become one period;
2. `nltk.word_tokenize` splits the text into tokens (Punkt sentence splitting,
   then the Treebank word rules);
3. tokens that are not alphabetic, a period or an emoji are dropped, and the
   rest are lowercased.

Step 2 needs NLTK's `punkt` data, a download. `tokenize` reproduces its
result with regular expressions: a period is its own token where a sentence
ends (before whitespace or at the end), a period inside a token ("e.mail")
keeps the token whole so step 3 drops it, clitics are split off as the
Treebank rules do ("it's" -> "it" "'s", "don't" -> "do" "n't", "can't" ->
"ca" "n't") and the punctuation part is then dropped. Known abbreviations
("Mr.", "e.g.") keep their period, as Punkt's English model does.

Taught in `tutorials/05_cbow_step_by_step.py` and `tutorials/01_text_pipeline.py`.
"""

import re

from keras_embeddings.errors import InvalidInputError

__all__ = ["tokenize"]

# Step 1 of the notebook, verbatim: `re.sub(r'[,!?;-]+', '.', corpus)`.
_INTERRUPTING = re.compile(r"[,!?;-]+")

# Emoji: pictographs plus the joiners and modifiers that glue a sequence
# ("❤️" is U+2764 U+FE0F; families use U+200D; skin tones U+1F3FB-U+1F3FF).
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff"
    "\u2190-\u21ff\u3030\u303d\u3297\u3299\u00a9\u00ae\u203c\u2049\u2122"
    "\u2139]"
)
# Characters the Treebank rules split off a word (quotes, brackets, , ; : @ #
# $ % & ? ! and the period); everything else stays glued to its neighbours.
_SPLIT_OFF = "\\s\"()\\[\\]{}<>,;@#$%&?!:.'`\u00ab\u00bb\u201c\u201d\u2018\u2019\u201e"
_WORD_CHAR = f"[^{_SPLIT_OFF}]"
_TOKEN = re.compile(
    # A standalone clitic ("it 's" in pre-tokenized text): punctuation.
    rf"(?P<clitic>'(?:[sSmMdD]|ll|LL|re|RE|ve|VE)(?!{_WORD_CHAR})|n't(?!{_WORD_CHAR}))"
    # A word: kept whole across internal periods and apostrophes ("e.mail",
    # "o'clock") and colons before digits ("10:30"), as Treebank does.
    rf"|(?P<word>{_WORD_CHAR}+(?:(?:[.']|:(?=\d)){_WORD_CHAR}+)*'?)"
    r"|(?P<ellipsis>\.\.\.)"
    r"|(?P<period>\.)"
)

# Treebank's clitic rules: the word part keeps going, the clitic is punctuation.
_CLITIC = re.compile(r"(?i)^(.+?)(n't|'s|'m|'d|'ll|'re|'ve|')$")
# Treebank's CONTRACTIONS2/3: one word split into two word tokens.
_SPLIT_WORDS = re.compile(
    r"(?i)^(?:(can)(not)|(d)('ye)|(gim)(me)|(gon)(na)|(got)(ta)|(lem)(me)"
    r"|(more)('n)|(wan)(na)|(')(tis)|(')(twas))$"
)
# Punkt's orthographic heuristic: after a number ("6.1.") or an initial ("J.")
# a period is not a sentence break when the next word starts in lowercase or
# is punctuation; the period then stays in the (dropped) token.
# A period ends a sentence only before whitespace or the end of the text
# (closing quotes and brackets may come between).
_SENTENCE_END = re.compile("[\"')\\]}\u2019\u201d\u00bb]*(?:\\s|$)")
_TEXT_END = re.compile("[\"')\\]}>\u2019\u201d\u00bb]*(?:\\s+[)\\]}>]*)*$")
_NUMBER = re.compile(r"^-?[.,]?\d[\d,.\-]*$")
_INITIAL = re.compile(r"^[^\W\d]$")
# Abbreviations in Punkt's English model whose period is not a sentence end.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc inc ltd co corp jan feb mar apr jun jul "
    "aug sep sept oct nov dec mt gen col lt sgt rev fig no vol e.g i.e u.s a.m "
    "p.m u.k".split()
)


def _has_emoji(token):
    # The notebook keeps a token when `emoji.get_emoji_regexp().search(token)`.
    return _EMOJI.search(token) is not None


def _starts_lowercase(data, position):
    """Whether the next token after `position` (past spaces) is lowercase or
    punctuation, which Punkt takes as evidence of no sentence break."""
    rest = data[position:].lstrip()
    return bool(rest) and (rest[0].islower() or rest[0] in ";:,.!?")


def _keeps_its_period(word, data, position):
    """Whether Punkt reads `word.` as one token rather than a sentence end."""
    if _TEXT_END.match(data, position):
        return False  # Treebank always splits the text's final period
    if not _SENTENCE_END.match(data, position):
        return True  # "al.(Khair)" or 'mistakes.",': the period is glued
    if word.lower() in _ABBREVIATIONS:
        return True
    if _INITIAL.match(word):
        return True  # Punkt reads an initial before more text as one ("W. Bush")
    if _NUMBER.match(word):
        return _starts_lowercase(data, position)
    return False


def _word_tokens(word):
    """The Treebank tokens of one word-like match."""
    split = _SPLIT_WORDS.match(word)
    if split:
        return [part for part in split.groups() if part]
    clitic = _CLITIC.match(word)
    if clitic:
        return [clitic.group(1), clitic.group(2)]
    return [word]


def tokenize(text):
    """Clean and tokenize `text` exactly as the CBOW notebook's `tokenize`.

    Interrupting punctuation (`, ! ? ; -`, in runs) becomes a single period,
    the text is split into tokens as `nltk.word_tokenize` does, and only
    alphabetic tokens, periods and emoji are kept, lowercased. No download is
    needed.

    Args:
        text: str, the corpus.

    Returns:
        list of str, the cleaned tokens.

    Example:

    ```python
    >>> from keras_embeddings.text import tokenize
    >>> tokenize('Who ❤️ "word embeddings" in 2020? I do!!!')
    ['who', '❤️', 'word', 'embeddings', 'in', '.', 'i', 'do', '.']
    >>> tokenize("Now it's your turn: try with your own sentence!")
    ['now', 'it', 'your', 'turn', 'try', 'with', 'your', 'own', 'sentence', '.']
    ```
    """
    if not isinstance(text, str):
        raise InvalidInputError(
            f"`text` must be a str. Received: text={text!r} of type "
            f"{type(text).__name__}"
        )
    data = _INTERRUPTING.sub(".", text)
    tokens = []
    matches = list(_TOKEN.finditer(data))
    skip_period = False
    for i, match in enumerate(matches):
        kind = match.lastgroup
        if kind == "word":
            word = match.group()
            following = matches[i + 1] if i + 1 < len(matches) else None
            if (
                following is not None
                and following.lastgroup == "period"
                and following.start() == match.end()
                and _keeps_its_period(word, data, following.end())
            ):
                skip_period = True  # "Mr." / "6.1." / "J.": one dropped token
                continue
            tokens.extend(_word_tokens(word))
        elif kind == "period":
            if not skip_period:
                tokens.append(".")
        # clitics and ellipses are punctuation tokens: dropped
        skip_period = False
    return [
        token.lower()
        for token in tokens
        if token.isalpha() or token == "." or _has_emoji(token)
    ]
