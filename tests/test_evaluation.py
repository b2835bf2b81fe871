"""`analysis.evaluate`, `word_pair_scores`, `word_analogy_scores`, `doesnt_match`,
`analogy`.

Oracles: gensim's `KeyedVectors` called directly on the same vectors, vectors
built so that the answer is known (cosines that rank the pairs as the human
ratings do, a gender direction that solves every question of Google's
`family` section), and out-of-vocabulary shares counted by reading the files
here.
"""

import math
import warnings

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from keras_embeddings import analysis
from keras_embeddings.datasets import data_path
from keras_embeddings.errors import InvalidInputError, UnknownWordError

WORDSIM = datapath("wordsim353.tsv")
SIMLEX = datapath("simlex999.txt")
GOOGLE = datapath("questions-words.txt")


def _keyed(word_vectors):
    kv = KeyedVectors(vector_size=len(next(iter(word_vectors.values()))))
    kv.add_vectors(list(word_vectors), np.stack(list(word_vectors.values())))
    return kv


def _pair_rows(path):
    """(word1, word2) of every rating line of a word-pair file."""
    rows = []
    with open(path, encoding="utf8") as f:
        for line in f:
            if not line.startswith("#"):
                a, b, _ = line.split("\t")
                rows.append((a, b))
    return rows


def _questions(path):
    """{section: [(a, b, c, d), ...]} of an analogy file."""
    sections = {}
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith(": "):
                section = sections.setdefault(line[2:].strip(), [])
            else:
                section.append(tuple(line.split()))
    return sections


@pytest.fixture(scope="module")
def wordsim_vectors():
    # Random vectors for 60% of WordSim-353's words (lower case), in a fixed
    # order, plus words of no pair.
    rng = np.random.default_rng(0)
    words = sorted({w for pair in _pair_rows(WORDSIM) for w in pair})
    kept = [w for w in words if rng.random() < 0.6] + ["zzz1", "zzz2"]
    return {w: rng.normal(size=16).astype("float32") for w in kept}


def test_doesnt_match_matches_gensim():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(30)]
    word_vectors = {w: rng.normal(size=6).astype("float32") for w in words}
    kv = _keyed(word_vectors)
    for trial in range(20):  # 3 to 7 words (2 words tie: both face the mean)
        chosen = list(rng.choice(words, size=3 + trial % 5, replace=False))
        expected = kv.doesnt_match(chosen)
        assert analysis.doesnt_match(word_vectors, chosen) == expected
        assert analysis.doesnt_match(kv, chosen) == expected


def test_doesnt_match_by_hand():
    word_vectors = {
        "breakfast": np.array([1.0, 0.1]),
        "lunch": np.array([0.9, 0.2]),
        "dinner": np.array([1.0, 0.0]),
        "cereal": np.array([0.1, 1.0]),
        "zero": np.array([0.0, 0.0]),
    }
    meals = ["breakfast", "cereal", "dinner", "lunch"]
    assert analysis.doesnt_match(word_vectors, meals) == "cereal"
    # Lengths do not matter: unit vectors are averaged.
    word_vectors["cereal"] = word_vectors["cereal"] * 100
    assert analysis.doesnt_match(word_vectors, meals) == "cereal"
    # An all-zero vector has similarity 0 to the mean: the odd one out.
    assert analysis.doesnt_match(word_vectors, ["breakfast", "zero", "lunch"]) == (
        "zero"
    )
    # Equal scores: the first word alphabetically, as gensim's sort leaves it.
    assert analysis.doesnt_match(word_vectors, ["lunch", "dinner"]) == "dinner"
    assert analysis.doesnt_match(word_vectors, ["dinner"]) == "dinner"


def test_analogy_by_construction_and_against_gensim():
    # king - man + woman = queen exactly: royalty + male / female directions.
    royal, person, male, female = np.eye(4)
    word_vectors = {
        "king": royal + male,
        "queen": royal + female,
        "man": person + male,
        "woman": person + female,
        "prince": royal + male + 0.3 * person,
        "girl": person + female + 0.2 * royal,
    }
    (word, score), *_ = analysis.analogy(word_vectors, "man", "king", "woman")
    assert word == "queen" and score == pytest.approx(1.0)
    assert analysis.analogy(word_vectors, "king", "queen", "man")[0][0] == "woman"
    kv = _keyed(word_vectors)
    for a, b, c in [("man", "king", "woman"), ("girl", "prince", "queen")]:
        ours = analysis.analogy(word_vectors, a, b, c, topn=3)
        expected = kv.most_similar(positive=[b, c], negative=[a], topn=3)
        assert [w for w, _ in ours] == [w for w, _ in expected]
        np.testing.assert_allclose(
            [s for _, s in ours], [s for _, s in expected], atol=1e-6
        )
        assert {a, b, c}.isdisjoint(w for w, _ in ours)


def _write_pairs(path, rows, header=True):
    lines = ["# word1\tword2\trating"] if header else []
    lines += [f"{a}\t{b}\t{r}" for a, b, r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def _ranked_pairs(ratings):
    """Pair i = (a_i, b_i) with cos(a_i, b_i) = ratings[i] / 10 exactly."""
    word_vectors, rows = {}, []
    for i, rating in enumerate(ratings):
        angle = math.acos(rating / 10)
        word_vectors[f"a{i}"] = np.array([1.0, 0.0])
        word_vectors[f"b{i}"] = np.array([math.cos(angle), math.sin(angle)]) * (i + 1)
        rows.append((f"a{i}", f"b{i}", rating))
    return word_vectors, rows


def test_word_pair_scores_perfect_and_reversed_rankings(tmp_path):
    ratings = [7.5, 1.0, 9.25, 3.0, 5.5, 0.5, 8.0, 2.25]
    word_vectors, rows = _ranked_pairs(ratings)
    # Two pairs with an unknown word, a comment and a malformed line.
    extra = [("a0", "nowhere", 5.0), ("nothing", "b1", 2.0)]
    path = _write_pairs(tmp_path / "pairs.tsv", rows + extra)
    with open(path, "a", encoding="utf8") as f:
        f.write("# a comment\nnot a rating line\n")
    scores = analysis.word_pair_scores(word_vectors, path)
    assert scores["spearman"] == pytest.approx(1.0)
    assert scores["pearson"] == pytest.approx(1.0)  # cos = rating / 10
    assert scores["pairs"] == 8
    assert scores["oov"] == pytest.approx(2 / 10)

    reversed_rows = [(a, b, 10 - r) for a, b, r in rows]
    path = _write_pairs(tmp_path / "reversed.tsv", reversed_rows)
    scores = analysis.word_pair_scores(_keyed(word_vectors), path)
    assert scores["spearman"] == pytest.approx(-1.0)
    assert scores["pearson"] == pytest.approx(-1.0)
    assert scores["oov"] == 0.0


def test_word_pair_scores_edge_cases(tmp_path):
    word_vectors, rows = _ranked_pairs([3.0, 6.0])
    # One known pair: no correlation (gensim's scipy call would raise).
    path = _write_pairs(tmp_path / "one.tsv", rows[:1] + [("x", "y", 1.0)])
    scores = analysis.word_pair_scores(word_vectors, path)
    assert math.isnan(scores["spearman"]) and math.isnan(scores["pearson"])
    assert scores["pairs"] == 1 and scores["oov"] == 0.5
    # Nothing known (gensim raises ValueError): NaN and an OOV share of 1.
    path = _write_pairs(tmp_path / "none.tsv", [("x", "y", 1.0), ("p", "q", 2.0)])
    scores = analysis.word_pair_scores(word_vectors, path)
    assert math.isnan(scores["spearman"]) and scores["oov"] == 1.0
    assert scores["pairs"] == 0
    # Identical vectors: a constant column, NaN without a warning.
    same = {w: np.ones(2) for w in word_vectors}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = analysis.word_pair_scores(same, _write_pairs(tmp_path / "p", rows))
    assert math.isnan(scores["spearman"])
    with pytest.raises(InvalidInputError, match="holds no word pairs"):
        analysis.word_pair_scores(word_vectors, _write_pairs(tmp_path / "e", []))


@pytest.mark.parametrize("case_insensitive", [True, False])
def test_evaluate_word_pairs_match_gensim(wordsim_vectors, case_insensitive):
    # Capitalised keys: found only when the comparison ignores case.
    word_vectors = dict(wordsim_vectors)
    word_vectors["Tiger"] = word_vectors.pop("tiger", np.ones(16, "float32"))
    kv = _keyed(word_vectors)
    scores = analysis.evaluate(
        word_vectors, datasets="wordsim353", case_insensitive=case_insensitive
    )
    pearson, spearman, oov_percent = kv.evaluate_word_pairs(
        WORDSIM, case_insensitive=case_insensitive
    )
    assert set(scores) == {
        "wordsim353_spearman",
        "wordsim353_pearson",
        "wordsim353_oov",
        "wordsim353_pairs",
    }
    assert scores["wordsim353_spearman"] == pytest.approx(spearman[0])
    assert scores["wordsim353_pearson"] == pytest.approx(pearson[0])
    assert scores["wordsim353_oov"] == pytest.approx(oov_percent / 100)
    # The OOV share counted here, from the file.
    known = {w.lower() if case_insensitive else w for w in word_vectors}
    rows = _pair_rows(WORDSIM)
    if case_insensitive:
        rows = [(a.lower(), b.lower()) for a, b in rows]
    scored = sum(a in known and b in known for a, b in rows)
    assert scores["wordsim353_pairs"] == scored
    assert scores["wordsim353_oov"] == pytest.approx(1 - scored / len(rows))
    assert 0.2 < scores["wordsim353_oov"] < 0.9


def test_evaluate_restrict_vocab_matches_gensim(wordsim_vectors):
    kv = _keyed(wordsim_vectors)
    scores = analysis.evaluate(kv, datasets=["simlex999"], restrict_vocab=150)
    pearson, spearman, oov_percent = kv.evaluate_word_pairs(SIMLEX, restrict_vocab=150)
    assert scores["simlex999_spearman"] == pytest.approx(spearman[0])
    assert scores["simlex999_pearson"] == pytest.approx(pearson[0])
    assert scores["simlex999_oov"] == pytest.approx(oov_percent / 100)
    wider = analysis.evaluate(kv, datasets=["simlex999"])
    assert wider["simlex999_pairs"] > scores["simlex999_pairs"] >= 2


def _family_vectors():
    # Google's `family` section asks `male1 female1 male2 female2`: each pair
    # gets its own direction and the sexes a shared +-1 offset, so that
    # female1 - male1 + male2 = female2 exactly.
    pairs = {(a, b) for a, b, c, d in _questions(GOOGLE)["family"]}
    pairs |= {(c, d) for a, b, c, d in _questions(GOOGLE)["family"]}
    pairs = sorted(pairs)
    eye = np.eye(len(pairs) + 1, dtype="float32")
    word_vectors = {}
    for i, (male, female) in enumerate(pairs):
        word_vectors[male] = eye[i] + eye[-1]
        word_vectors[female] = eye[i] - eye[-1]
    return word_vectors


def test_evaluate_google_analogy_family_section_is_solved():
    word_vectors = _family_vectors()
    word_vectors["Athens"] = np.ones(len(word_vectors["king"]), "float32")
    scores = analysis.evaluate(word_vectors, datasets="google_analogy")
    questions = _questions(GOOGLE)
    total = sum(len(q) for q in questions.values())
    known = {w.lower() for w in word_vectors}
    answered = [
        name
        for name, section in questions.items()
        for question in section
        if all(w.lower() in known for w in question)
    ]
    assert total == 19544
    assert set(answered) == {"family"}  # "Athens" alone answers nothing
    assert scores["google_analogy_questions"] == len(answered) == 506
    assert scores["google_analogy_oov"] == pytest.approx(1 - 506 / total)
    assert scores["google_analogy_accuracy"] == 1.0
    assert scores["google_analogy_semantic"] == 1.0
    assert math.isnan(scores["google_analogy_syntactic"])
    # Gensim's own score agrees.
    assert _keyed(word_vectors).evaluate_word_analogies(GOOGLE)[0] == 1.0


def test_word_analogy_scores_sections_and_gensim(tmp_path):
    royal, person, male, female, other = np.eye(5)
    word_vectors = {
        "king": royal + male,
        "queen": royal + female,
        "man": person + male,
        "woman": person + female,
        "walk": other,
        "walked": other + 0.1 * royal,
        "run": -other,
        "ran": -other + person,
    }
    path = tmp_path / "questions.txt"
    path.write_text(
        ": family\nman king woman queen\nking queen man woman\n"
        "man woman king unicorn\n"
        ": gram7-past-tense\nwalk walked run ran\nrun ran walk walked\n",
        encoding="utf8",
    )
    scores = analysis.word_analogy_scores(word_vectors, path)
    kv = _keyed(word_vectors)
    gensim_total, gensim_sections = kv.evaluate_word_analogies(str(path))
    assert scores["accuracy"] == pytest.approx(gensim_total)
    assert scores["semantic"] == 1.0  # both known family questions
    assert scores["oov"] == pytest.approx(1 / 5)
    assert scores["questions"] == 4
    expected_gram = len(gensim_sections[1]["correct"]) / 2
    assert scores["syntactic"] == pytest.approx(expected_gram)
    assert scores["sections"]["gram7-past-tense"] == pytest.approx(expected_gram)
    assert scores["sections"]["family"] == 1.0
    bad = data_path("fixtures", "analogies_bad.txt")
    with pytest.raises(InvalidInputError, match="not an analogy file"):
        analysis.word_analogy_scores(word_vectors, bad)


def test_evaluate_all_sets_with_no_known_word():
    word_vectors = {"qqqx": np.ones(3), "qqqy": np.array([1.0, 0.0, 0.0])}
    scores = analysis.evaluate(word_vectors)
    for name in ("wordsim353", "simlex999", "google_analogy"):
        assert scores[f"{name}_oov"] == 1.0
    assert math.isnan(scores["wordsim353_spearman"])
    assert math.isnan(scores["simlex999_pearson"])
    assert math.isnan(scores["google_analogy_accuracy"])
    assert scores["google_analogy_questions"] == scores["simlex999_pairs"] == 0
    assert len(scores) == 4 + 4 + 5


def test_bad_arguments_are_named(wordsim_vectors, tmp_path):
    with pytest.raises(InvalidInputError, match="`datasets`.*'wordsim'"):
        analysis.evaluate(wordsim_vectors, datasets="wordsim")
    with pytest.raises(InvalidInputError, match="`datasets`"):
        analysis.evaluate(wordsim_vectors, datasets=[])
    with pytest.raises(InvalidInputError, match="restrict_vocab=0"):
        analysis.evaluate(wordsim_vectors, restrict_vocab=0)
    with pytest.raises(InvalidInputError, match="restrict_vocab=True"):
        analysis.evaluate(wordsim_vectors, restrict_vocab=True)
    with pytest.raises(InvalidInputError, match="case_insensitive='yes'"):
        analysis.evaluate(wordsim_vectors, case_insensitive="yes")
    with pytest.raises(InvalidInputError, match="case_insensitive=1"):
        analysis.evaluate(wordsim_vectors, case_insensitive=1)
    with pytest.raises(InvalidInputError, match="`word_vectors`"):
        analysis.evaluate([[0.1, 0.2]])
    with pytest.raises(InvalidInputError, match="`word_vectors` is empty"):
        analysis.evaluate({})
    with pytest.raises(InvalidInputError, match="Cannot read"):
        analysis.word_pair_scores(wordsim_vectors, tmp_path / "missing.tsv")
    with pytest.raises(InvalidInputError, match="`b`"):
        analysis.analogy(wordsim_vectors, "tiger", ["cat"], "car")
    with pytest.raises(UnknownWordError, match="'tigre'"):
        analysis.analogy(wordsim_vectors, "tigre", "zzz1", "zzz2")
    with pytest.raises(InvalidInputError, match="at least one word"):
        analysis.doesnt_match(wordsim_vectors, [])
    with pytest.raises(InvalidInputError, match="`words`"):
        analysis.doesnt_match(wordsim_vectors, ["zzz1", 3])
    with pytest.raises(UnknownWordError, match="zzz3"):
        analysis.doesnt_match(wordsim_vectors, ["zzz1", "zzz3"])
    ragged = {"a": np.ones(2), "b": np.ones(3)}
    with pytest.raises(InvalidInputError, match="different lengths"):
        analysis.doesnt_match(ragged, ["a", "b"])
