"""Score word vectors on word-pair and analogy benchmarks, through gensim.

`evaluate` scores vectors on the standard sets that ship in gensim's wheel
(WordSim-353, SimLex-999, Google's analogies); `word_pair_scores` and
`word_analogy_scores` score any file in those formats. Gensim's own
`KeyedVectors.evaluate_word_pairs` and `evaluate_word_analogies` do the
scoring; these functions return dicts, say which share of a set was out of
the vocabulary, and answer the edge cases (no known pair) with NaN.
"""

import math
import warnings

from keras_embeddings import _validation
from keras_embeddings.analysis.word_similarity import _word_list
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export import to_keyed_vectors

__all__ = [
    "EVALUATION_DATASETS",
    "evaluate",
    "word_analogy_scores",
    "word_pair_scores",
]

# The evaluation sets in gensim's wheel (`gensim/test/test_data`).
EVALUATION_DATASETS = ("wordsim353", "simlex999", "google_analogy")
_DATASET_FILES = {
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "google_analogy": "questions-words.txt",
}
# Google's analogy set: the five semantic sections come first, then the
# nine syntactic ones, whose names start with "gram".
_SYNTACTIC_PREFIX = "gram"


def evaluate(word_vectors, datasets=None, restrict_vocab=300000, case_insensitive=True):
    """Score word vectors on WordSim-353, SimLex-999 and Google's analogies.

    The sets are the files that ship in gensim's wheel, scored by gensim's
    own `KeyedVectors.evaluate_word_pairs` (Spearman and Pearson
    correlation of the cosine similarities with the human ratings) and
    `evaluate_word_analogies` (accuracy of 3CosAdd, the top answer of
    `most_similar(positive=[b, c], negative=[a])`). Pairs and questions
    with a word outside the vocabulary are skipped, as gensim does by
    default; the `*_oov` entries say which share that was, so a score
    computed on 5% of a set can be read for what it is.

    Args:
        word_vectors: dict word -> vector (converted with
            `export.to_keyed_vectors`), or a gensim `KeyedVectors`.
        datasets: None for all of `EVALUATION_DATASETS`, or one name or a
            list of names from it: `"wordsim353"`, `"simlex999"`,
            `"google_analogy"`.
        restrict_vocab: int, only the first `restrict_vocab` words count as
            known (gensim's option; the most frequent ones when the
            vocabulary is sorted by frequency, as `Tokenizer` ids are).
        case_insensitive: bool, compare words in upper case (gensim's
            default, True): the sets capitalise names ("Athens Greece").

    Returns:
        A dict, with for each word-pair set `name` (`"wordsim353"`,
        `"simlex999"`): `name_spearman`, `name_pearson` (NaN when fewer
        than two pairs are known), `name_oov` (the share of pairs skipped,
        a fraction in [0, 1], not gensim's percentage) and `name_pairs`
        (how many were scored); for `"google_analogy"`:
        `google_analogy_accuracy` (all known questions),
        `google_analogy_semantic` and `google_analogy_syntactic` (the
        first five sections and the nine `gram*` ones; NaN when none is
        known), `google_analogy_oov` and `google_analogy_questions`.

    Example:

    ```python
    >>> from keras_embeddings.analysis import evaluate
    >>> word_vectors = {  # each capital is its country + (0, 0, 2)
    ...     "athens": [1.0, 0.0, 1.0], "greece": [1.0, 0.0, -1.0],
    ...     "berlin": [0.0, 1.0, 1.0], "germany": [0.0, 1.0, -1.0],
    ...     "tiger": [1.0, 1.0, 0.1], "cat": [0.9, 1.0, 0.3],
    ...     "train": [0.6, 1.0, 0.0], "car": [-0.2, 1.0, 0.2],
    ... }
    >>> scores = evaluate(word_vectors, datasets=["wordsim353", "google_analogy"])
    >>> scores["wordsim353_pairs"], scores["wordsim353_spearman"]
    (3, 1.0)
    >>> round(scores["wordsim353_oov"], 3)
    0.992
    >>> scores["google_analogy_questions"], scores["google_analogy_accuracy"]
    (3, 1.0)
    ```
    """
    from gensim.test.utils import datapath  # gensim is slow to import.

    names = _dataset_names(datasets)
    options = _options(restrict_vocab, case_insensitive)
    keyed_vectors = _keyed_vectors(word_vectors)
    scores = {}
    for name in names:
        path = datapath(_DATASET_FILES[name])
        if name == "google_analogy":
            result = word_analogy_scores(keyed_vectors, path, **options)
            del result["sections"]
        else:
            result = word_pair_scores(keyed_vectors, path, **options)
        scores.update({f"{name}_{key}": value for key, value in result.items()})
    return scores


def word_pair_scores(word_vectors, path, restrict_vocab=300000, case_insensitive=True):
    """Correlation of cosine similarities with human ratings in a word-pair file.

    Gensim's `KeyedVectors.evaluate_word_pairs` on any file in the
    WordSim-353 format (`word1<TAB>word2<TAB>rating` lines, `#` comments),
    with its result as a dict and the edge cases (no known pair, one known
    pair) answered with NaN instead of an exception.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        path: str or path-like, the word-pair file.
        restrict_vocab: int, as in `evaluate`.
        case_insensitive: bool, as in `evaluate`.

    Returns:
        A dict with `spearman`, `pearson`, `oov` (the share of pairs with an
        unknown word, in [0, 1]) and `pairs` (the number scored).

    Example:

    ```python
    >>> from keras_embeddings.analysis import word_pair_scores
    >>> with open("pairs.tsv", "w") as f:
    ...     _ = f.write("cat\\tdog\\t8.0\\ncat\\tcar\\t1.0\\ndog\\tcar\\t2.0\\n"
    ...                 "cat\\tunicorn\\t3.0\\n")
    >>> word_vectors = {"cat": [1.0, 0.2], "dog": [0.9, 0.4], "car": [0.0, 1.0]}
    >>> scores = word_pair_scores(word_vectors, "pairs.tsv")
    >>> scores["spearman"], scores["pairs"], scores["oov"]
    (1.0, 3, 0.25)
    ```
    """
    options = _options(restrict_vocab, case_insensitive)
    keyed_vectors = _keyed_vectors(word_vectors)
    rows = _read_word_pairs(path, options["case_insensitive"])
    known = _known_words(keyed_vectors, **options)
    scored = sum(a in known and b in known for a, b in rows)
    result = {
        "spearman": math.nan,
        "pearson": math.nan,
        "oov": 1 - scored / len(rows),
        "pairs": scored,
    }
    if scored >= 2:
        with warnings.catch_warnings():
            # A constant column (e.g. identical vectors) gives NaN, as it should.
            warnings.simplefilter("ignore")
            pearson, spearman, _ = keyed_vectors.evaluate_word_pairs(
                str(path), **options
            )
        result["spearman"] = float(spearman[0])
        result["pearson"] = float(pearson[0])
    return result


def word_analogy_scores(
    word_vectors, path, restrict_vocab=300000, case_insensitive=True
):
    """Accuracy of 3CosAdd on an analogy file (gensim's `evaluate_word_analogies`).

    The file has `a b c d` lines ("`a` is to `b` as `c` is to `d`") under
    `: section` headers, as Google's `questions-words.txt`. A question
    counts as answered right when the top word of
    `most_similar(positive=[b, c], negative=[a])` is `d`.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        path: str or path-like, the analogy file.
        restrict_vocab: int, as in `evaluate`.
        case_insensitive: bool, as in `evaluate`.

    Returns:
        A dict with `accuracy` (over the known questions), `semantic` and
        `syntactic` (sections whose names do not / do start with `gram`, as
        in Google's set), each NaN when no question of its kind is known;
        `oov` (the share of questions with an unknown word, in [0, 1]),
        `questions` (the number scored) and `sections`, a dict section name
        -> accuracy (NaN when none of its questions is known).

    Example:

    ```python
    >>> from keras_embeddings.analysis import word_analogy_scores
    >>> with open("questions.txt", "w") as f:
    ...     _ = f.write(": family\\nman king woman queen\\nman king girl princess\\n")
    >>> word_vectors = {  # royalty (1, 0, 0), male (0, 1, 0), female (0, 0, 1)
    ...     "king": [1.0, 1.0, 0.0], "queen": [1.0, 0.0, 1.0],
    ...     "man": [0.0, 1.0, 0.0], "woman": [0.0, 0.0, 1.0],
    ... }
    >>> scores = word_analogy_scores(word_vectors, "questions.txt")
    >>> scores["accuracy"], scores["questions"], scores["oov"], scores["sections"]
    (1.0, 1, 0.5, {'family': 1.0})
    ```
    """
    options = _options(restrict_vocab, case_insensitive)
    keyed_vectors = _keyed_vectors(word_vectors)
    total = _count_analogies(path)
    _, sections = keyed_vectors.evaluate_word_analogies(str(path), **options)
    sections = sections[:-1]  # the last entry is gensim's total
    semantic = [s for s in sections if not s["section"].startswith(_SYNTACTIC_PREFIX)]
    syntactic = [s for s in sections if s["section"].startswith(_SYNTACTIC_PREFIX)]
    scored = sum(len(s["correct"]) + len(s["incorrect"]) for s in sections)
    return {
        "accuracy": _accuracy(sections),
        "semantic": _accuracy(semantic),
        "syntactic": _accuracy(syntactic),
        "oov": 1 - scored / total,
        "questions": scored,
        "sections": {s["section"]: _accuracy([s]) for s in sections},
    }


def _dataset_names(datasets):
    if datasets is None:
        return list(EVALUATION_DATASETS)
    names = (
        [datasets] if isinstance(datasets, str) else _word_list(datasets, "datasets")
    )
    unknown = [name for name in names if name not in EVALUATION_DATASETS]
    if unknown or not names:
        raise InvalidInputError(
            f"`datasets` must name one or more of {list(EVALUATION_DATASETS)}. "
            f"Received: datasets={datasets!r}"
        )
    return list(dict.fromkeys(names))


def _options(restrict_vocab, case_insensitive):
    """Gensim's evaluation options, checked."""
    return {
        "restrict_vocab": _validation.positive_int("restrict_vocab", restrict_vocab),
        "case_insensitive": _validation.boolean("case_insensitive", case_insensitive),
    }


def _keyed_vectors(word_vectors):
    """A gensim `KeyedVectors` as is, or one built from a dict."""
    if hasattr(word_vectors, "evaluate_word_pairs") and hasattr(
        word_vectors, "index_to_key"
    ):
        return word_vectors
    return to_keyed_vectors(word_vectors)


def _known_words(keyed_vectors, restrict_vocab, case_insensitive):
    words = keyed_vectors.index_to_key[:restrict_vocab]
    return {word.upper() for word in words} if case_insensitive else set(words)


def _read_word_pairs(path, case_insensitive):
    """The `(word1, word2)` rows gensim would score, read as it reads them."""
    rows = []
    try:
        with open(path, encoding="utf8") as f:
            lines = f.readlines()
    except OSError as e:
        raise InvalidInputError(
            f"Cannot read the word-pair file {str(path)!r}: {e.strerror}."
        ) from None
    for line in lines:
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        try:
            float(parts[2])
        except ValueError:
            continue
        a, b = parts[0], parts[1]
        rows.append((a.upper(), b.upper()) if case_insensitive else (a, b))
    if not rows:
        raise InvalidInputError(
            f"{str(path)!r} holds no word pairs: its lines should read "
            "'word1<TAB>word2<TAB>rating'."
        )
    return rows


def _count_analogies(path):
    """The number of questions gensim reads from an analogy file."""
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf8").splitlines()
    except OSError as e:
        raise InvalidInputError(
            f"Cannot read the analogy file {str(path)!r}: {e.strerror}."
        ) from None
    count = sum(
        1 for line in lines if not line.startswith(": ") and len(line.split()) == 4
    )
    if not count or not lines[0].startswith(": "):
        raise InvalidInputError(
            f"{str(path)!r} is not an analogy file: it should start with a "
            "': section' line followed by 'a b c d' lines."
        )
    return count


def _accuracy(sections):
    correct = sum(len(s["correct"]) for s in sections)
    answered = correct + sum(len(s["incorrect"]) for s in sections)
    return correct / answered if answered else math.nan
