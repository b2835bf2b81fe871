"""Query word vectors: nearest neighbours, analogies, distances, evaluation.

The functions take the dict word -> vector that `export.to_word_vectors`
returns (or a gensim `KeyedVectors`) and follow gensim's contract, so
results match `KeyedVectors.most_similar`, `similarity`, `distance` and
`doesnt_match`: cosine similarity on unit-normalised vectors, the query
words left out. `evaluate` scores vectors on the standard sets that ship in
gensim's wheel (WordSim-353, SimLex-999, Google's analogies) with gensim's
own `evaluate_word_pairs` and `evaluate_word_analogies`.
They replace the CSC321 lab's `display_nearest_words` and `word_distance`
(whose Euclidean distance is `metric="euclidean"` here). For language
models, `predict_next_word` and `find_occurrences` replace the lab's
functions of the same names.

Everything is computed with NumPy on each call; nothing is cached, so a dict
changed in place gives fresh answers.

Example:

```python
import numpy as np
from keras_embeddings import analysis

word_vectors = {
    "king": np.array([0.9, 0.8]),
    "queen": np.array([0.9, -0.8]),
    "man": np.array([0.1, 0.9]),
    "woman": np.array([0.1, -0.9]),
}
analysis.most_similar(word_vectors, ["king", "woman"], ["man"], topn=1)
# [('queen', 0.946...)]
```
"""

import math
import warnings
from collections import Counter
from collections.abc import Mapping
from numbers import Integral

import numpy as np

from keras_embeddings._word_vectors import words_and_matrix
from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.export import to_keyed_vectors


def most_similar(word_vectors, positive, negative=None, topn=10):
    """Find the `topn` words closest to the mean of `positive` minus `negative`.

    As gensim's `KeyedVectors.most_similar`: every vector is scaled to unit
    length, the query is the mean of the positive unit vectors and the
    negated negative ones (scaled to unit length again), and words are
    ranked by cosine similarity to it. The query words themselves are left
    out, so `most_similar(wv, ["king", "woman"], ["man"])` answers the
    analogy man : king :: woman : ?.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        positive: str or list of str, words that pull the query towards them.
        negative: str or list of str, optional, words that push it away.
        topn: int, how many words to return.

    Returns:
        A list of `(word, cosine_similarity)` pairs, most similar first.
    """
    positive = _word_list(positive, "positive")
    negative = _word_list(negative, "negative")
    if not positive and not negative:
        raise InvalidInputError(
            "`most_similar` needs at least one word in `positive` or `negative`. "
            f"Received: positive={positive}, negative={negative}"
        )
    if not isinstance(topn, Integral) or isinstance(topn, bool) or topn < 0:
        raise InvalidInputError(
            f"`topn` must be a non-negative integer. Received: topn={topn!r}"
        )
    if topn == 0:
        return []

    words, matrix = words_and_matrix(word_vectors)
    index = {}
    for i, word in enumerate(words):
        index.setdefault(word, i)
    query_ids = []
    for word in positive + negative:
        if word not in index:
            raise UnknownWordError(word, words)
        query_ids.append(index[word])

    unit = _unit_rows(matrix.astype(np.float64))  # (vocabulary_size, dim)
    weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
    query = _unit_rows((weights @ unit[query_ids] / len(weights))[None])[0]  # (dim,)
    scores = unit @ query  # (vocabulary_size,)

    excluded = set(query_ids)
    k = min(topn + len(excluded), len(scores))
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    result = [(words[i], float(scores[i])) for i in best if i not in excluded]
    return result[:topn]


def similarity(word_vectors, word1, word2):
    """Cosine similarity of two words' vectors (gensim's `similarity`).

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        word1: str, the first word.
        word2: str, the second word.

    Returns:
        A float in [-1, 1] (0 when either vector is all zeros).
    """
    v1, v2 = _unit_rows(np.stack(_pair(word_vectors, word1, word2)))
    return float(v1 @ v2)


def word_distance(word_vectors, word1, word2, metric="cosine"):
    """Distance between two words' vectors.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        word1: str, the first word.
        word2: str, the second word.
        metric: `"cosine"` for 1 - cosine similarity (gensim's `distance`,
            in [0, 2]) or `"euclidean"` for the length of the difference
            (the CSC321 lab's `word_distance`).

    Returns:
        The distance as a float.
    """
    if metric not in ("cosine", "euclidean"):
        raise InvalidInputError(
            f'`metric` must be "cosine" or "euclidean". Received: metric={metric!r}'
        )
    if metric == "cosine":
        return 1.0 - similarity(word_vectors, word1, word2)
    v1, v2 = _pair(word_vectors, word1, word2)
    return float(np.linalg.norm(v1 - v2))


def analogy(word_vectors, a, b, c, topn=1):
    """Answer "`a` is to `b` as `c` is to ?" by vector offset (3CosAdd).

    `most_similar(word_vectors, positive=[b, c], negative=[a], topn=topn)`,
    as gensim's `evaluate_word_analogies` asks it: the words closest to
    `b - a + c` (on unit vectors), the three query words left out.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        a: str, the first word of the known pair (`"man"`).
        b: str, its partner (`"king"`).
        c: str, the word whose partner is asked for (`"woman"`).
        topn: int, how many answers to return.

    Returns:
        A list of `(word, cosine_similarity)` pairs, best answer first.

    Example:

    ```python
    word_vectors = {
        "king": np.array([0.9, 0.8]),
        "queen": np.array([0.9, -0.8]),
        "man": np.array([0.1, 0.9]),
        "woman": np.array([0.1, -0.9]),
    }
    analogy(word_vectors, "man", "king", "woman")  # [('queen', 0.946...)]
    ```
    """
    for name, word in (("a", a), ("b", b), ("c", c)):
        if not isinstance(word, str):
            raise InvalidInputError(
                f"`{name}` must be one word (a str). Received: {name}={word!r}"
            )
    return most_similar(word_vectors, positive=[b, c], negative=[a], topn=topn)


def doesnt_match(word_vectors, words):
    """The word that goes least with the others (gensim's `doesnt_match`).

    Every vector is scaled to unit length, their mean is scaled to unit
    length again, and the word whose vector has the lowest cosine similarity
    to that mean is returned (on a tie, the first in alphabetical order, as
    gensim's sort leaves it). Unlike gensim, which drops unknown words with
    a logged warning, an unknown word raises `UnknownWordError`.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        words: list of str, the candidates (at least one).

    Returns:
        The odd word out, a str.

    Example:

    ```python
    word_vectors = {
        "breakfast": np.array([1.0, 0.1]),
        "lunch": np.array([0.9, 0.2]),
        "dinner": np.array([1.0, 0.0]),
        "cereal": np.array([0.1, 1.0]),
    }
    doesnt_match(word_vectors, ["breakfast", "cereal", "dinner", "lunch"])
    # 'cereal'
    ```
    """
    words = _word_list(words, "words")
    if not words:
        raise InvalidInputError(
            "`doesnt_match` needs at least one word. Received: words=[]"
        )
    for word in words:
        if not isinstance(word, str):
            raise InvalidInputError(
                f"`words` must hold words (str). Received: {word!r} in words={words!r}"
            )
    vectors = [_vector(word_vectors, word) for word in words]
    for word, vector in zip(words, vectors):
        if vector.shape != vectors[0].shape:
            raise InvalidInputError(
                f"The vectors of {words[0]!r} and {word!r} have different lengths "
                f"({vectors[0].shape[0]} and {vector.shape[0]}); they must come "
                "from one model."
            )
    unit = _unit_rows(np.stack(vectors))  # (len(words), dim)
    mean = _unit_rows(unit.mean(axis=0, keepdims=True))[0]  # (dim,)
    scores = unit @ mean  # (len(words),)
    # Gensim sorts (score, word) pairs and takes the last: the lowest score,
    # the first word alphabetically among equal scores.
    return min(zip(scores.tolist(), words))[1]


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
    scores = evaluate(word_vectors, datasets=["wordsim353", "google_analogy"])
    scores["wordsim353_spearman"], scores["wordsim353_oov"]
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
    if (
        isinstance(restrict_vocab, bool)
        or not isinstance(restrict_vocab, Integral)
        or restrict_vocab < 1
    ):
        raise InvalidInputError(
            "`restrict_vocab` must be a positive integer. "
            f"Received: restrict_vocab={restrict_vocab!r}"
        )
    if not isinstance(case_insensitive, bool):
        raise InvalidInputError(
            "`case_insensitive` must be True or False. "
            f"Received: case_insensitive={case_insensitive!r}"
        )
    return {"restrict_vocab": int(restrict_vocab), "case_insensitive": case_insensitive}


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


def _word_list(words, argument):
    """A list of words from None, one str, or an iterable of str."""
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    try:
        return list(words)
    except TypeError:
        raise InvalidInputError(
            f"`{argument}` must be a word or a list of words. "
            f"Received: {argument}={words!r}"
        ) from None


def _pair(word_vectors, word1, word2):
    """The vectors of two words, checked to have the same length."""
    v1 = _vector(word_vectors, word1)
    v2 = _vector(word_vectors, word2)
    if v1.shape != v2.shape:
        raise InvalidInputError(
            f"The vectors of {word1!r} and {word2!r} have different lengths "
            f"({v1.shape[0]} and {v2.shape[0]}); they must come from one model."
        )
    return v1, v2


def _vector(word_vectors, word):
    """The float64 vector of `word`, or an `UnknownWordError` with suggestions."""
    if hasattr(word_vectors, "key_to_index") and hasattr(word_vectors, "vectors"):
        if word not in word_vectors.key_to_index:
            raise UnknownWordError(word, word_vectors.index_to_key)
        vector = word_vectors.vectors[word_vectors.key_to_index[word]]
    elif isinstance(word_vectors, Mapping):
        if word not in word_vectors:
            raise UnknownWordError(word, word_vectors.keys())
        vector = word_vectors[word]
    else:
        raise InvalidInputError(
            "`word_vectors` must be a dict word -> vector or a gensim "
            f"KeyedVectors. Received: {type(word_vectors).__name__}"
        )
    vector = np.asarray(vector, dtype=np.float64)
    if vector.ndim != 1:
        raise InvalidInputError(
            f"The vector of {word!r} must be 1-D. Received shape {vector.shape}"
        )
    return vector


def _unit_rows(matrix):
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


_MASK_ID = 0  # The `[MASK]` word id of the masked language model.


def predict_next_word(model, vocabulary, w1, w2, w3, k=10):
    """The `k` most probable words after `w1 w2 w3`, with their probabilities.

    The CSC321 lab's `predict_next_word` for any Keras model that maps a
    batch of word ids to logits:

    - a next-word model, `(batch, 3)` ids -> `(batch, V)` logits (such as
      `models.NGramLanguageModel(V)`), reads the three words and scores the
      fourth;
    - a masked model, `(batch, 4)` ids -> `(batch, 4, V)` logits (such as
      `NGramLanguageModel(V, context_length=4, masked=True)`), gets the
      three words followed by `[MASK]` (id 0) and its scores at position 3,
      the masked one, are read. The `[MASK]` id is never proposed as a word.

    The logits go through a softmax over the whole vocabulary, so each
    probability is the model's own and they sum to at most 1.

    Args:
        model: a Keras model (anything with `predict`) as above. Its number
            of input words comes from `model.context_length`, or else
            `model.input_shape`, or else is taken to be 3.
        vocabulary: list of str, word id -> word (for a masked model, id 0
            is `[MASK]`), as `datasets.load_csc321(...).vocabulary`.
        w1: str, the first word.
        w2: str, the second word.
        w3: str, the third word.
        k: int, how many words to return (all when larger than the
            vocabulary).

    Returns:
        A list of `(word, probability)` pairs, most probable first.

    Example:

    ```python
    from keras_embeddings import analysis, datasets, models

    data = datasets.load_csc321("../shared/data/csc321")
    model = models.NGramLanguageModel(len(data.vocabulary))
    model.compile(optimizer="adam")
    model.fit(*data.train, batch_size=512, epochs=1, verbose=0)
    analysis.predict_next_word(model, data.vocabulary, "she", "is", "a", k=3)
    # Three (word, probability) pairs, most probable first.
    ```
    """
    k = _positive_k(k)
    vocabulary = list(vocabulary)
    ids = _word_ids(vocabulary, (w1, w2, w3))
    context_length = _context_length(model)
    if context_length not in (3, 4):
        raise InvalidInputError(
            "`predict_next_word` needs a model that reads 3 words (next-word) or "
            f"4 words (masked). Received a model that reads {context_length}."
        )
    if context_length == 4:
        ids.append(_MASK_ID)  # The masked model fills in the fourth word.
    logits = np.asarray(model.predict(np.array([ids], dtype="int32"), verbose=0))
    if logits.ndim == 3 and context_length == 4:
        logits = logits[0, 3]  # (V,) scores of the masked position
        excluded = _MASK_ID
    elif logits.ndim == 2 and context_length == 3:
        logits = logits[0]  # (V,)
        excluded = None
    else:
        raise InvalidInputError(
            "The model must return logits of shape (batch, V) for 3 input words, "
            "or (batch, 4, V) for 4 input words (masked). Received shape "
            f"{logits.shape} for {context_length} input words."
        )
    if logits.shape[-1] != len(vocabulary):
        raise InvalidInputError(
            f"The model scores {logits.shape[-1]} words but `vocabulary` has "
            f"{len(vocabulary)}; pass the vocabulary the model was trained with."
        )
    logits = logits.astype(np.float64)
    probabilities = np.exp(logits - logits.max())
    probabilities /= probabilities.sum()
    order = np.argsort(-probabilities, kind="stable")
    if excluded is not None:
        order = order[order != excluded]
    return [(vocabulary[i], float(probabilities[i])) for i in order[:k]]


def find_occurrences(data, vocabulary, w1, w2, w3):
    """The words that follow `w1 w2 w3` in the data, with their counts.

    The CSC321 lab's `find_occurrences`: every 4-gram whose first three
    words are the query contributes its fourth word.

    Args:
        data: the 4-grams, as a pair `(inputs, targets)` of shapes (N, 3)
            and (N,) (the `"next_word"` split of `datasets.load_csc321`),
            or an (N, 4) array (the `"masked"` split); ids index
            `vocabulary` directly.
        vocabulary: list of str, word id -> word (the one `load_csc321`
            returned with `data`).
        w1: str, the first word.
        w2: str, the second word.
        w3: str, the third word.

    Returns:
        A list of `(word, count)` pairs, most common first (ties in the order
        the 4-grams appear); empty when the trigram never occurs.

    Example:

    ```python
    data = datasets.load_csc321("../shared/data/csc321")
    analysis.find_occurrences(data.train, data.vocabulary, "she", "is", "a")
    # [('year', 1), ('big', 1), ('good', 1)]
    ```
    """
    inputs, targets = _four_grams(data)
    vocabulary = list(vocabulary)
    ids = np.array(_word_ids(vocabulary, (w1, w2, w3)))
    matches = np.all(inputs == ids, axis=1)  # (N,)
    found = targets[matches]
    if found.size and (found.min() < 0 or found.max() >= len(vocabulary)):
        raise InvalidInputError(
            f"`data` holds word ids up to {found.max()} but `vocabulary` has "
            f"{len(vocabulary)} words; pass the vocabulary that came with the data."
        )
    counts = Counter(vocabulary[i] for i in found.tolist())
    return counts.most_common()


def _positive_k(k):
    if not isinstance(k, Integral) or isinstance(k, bool) or k < 1:
        raise InvalidInputError(f"`k` must be a positive integer. Received: k={k!r}")
    return int(k)


def _word_ids(vocabulary, words):
    """Ids of `words` in `vocabulary` (first occurrence), or UnknownWordError."""
    index = {}
    for i, word in enumerate(vocabulary):
        index.setdefault(word, i)
    ids = []
    for word in words:
        if word not in index:
            raise UnknownWordError(word, vocabulary)
        ids.append(index[word])
    return ids


def _context_length(model):
    """How many word ids the model reads per example."""
    length = getattr(model, "context_length", None)
    if length is None:
        try:
            length = model.input_shape[-1]
        except (AttributeError, TypeError, ValueError, IndexError):
            length = None
    return 3 if length is None else int(length)


def _four_grams(data):
    """(inputs (N, 3), targets (N,)) from a pair or an (N, 4) array."""
    if hasattr(data, "train") and hasattr(data, "vocabulary"):
        raise InvalidInputError(
            "`data` must be one split, such as `data.train` of `load_csc321`, "
            "not the whole `CSC321Data`."
        )
    if isinstance(data, tuple) and len(data) == 2:
        inputs, targets = np.asarray(data[0]), np.asarray(data[1])
    else:
        try:
            rows = np.asarray(data)
        except ValueError:
            rows = np.empty((0,))
        if rows.ndim != 2 or rows.shape[1] != 4:
            raise InvalidInputError(
                "`data` must be a pair (inputs (N, 3), targets (N,)) or an "
                f"(N, 4) array of word ids. Received shape {rows.shape}"
            )
        inputs, targets = rows[:, :3], rows[:, 3]
    if inputs.ndim != 2 or inputs.shape[1] != 3 or targets.shape != inputs.shape[:1]:
        raise InvalidInputError(
            "`data` must be a pair (inputs (N, 3), targets (N,)) or an (N, 4) "
            f"array of word ids. Received shapes {inputs.shape} and {targets.shape}"
        )
    return inputs, targets
