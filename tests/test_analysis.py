import numpy as np
import pytest
from gensim.models import KeyedVectors

from keras_embeddings import analysis
from keras_embeddings.errors import InvalidInputError, UnknownWordError

WORDS = ["king", "queen", "man", "woman", "café"] + [f"w{i}" for i in range(25)]


@pytest.fixture
def word_vectors():
    rng = np.random.default_rng(42)
    matrix = rng.normal(size=(len(WORDS), 8)).astype("float32")
    return dict(zip(WORDS, matrix))


@pytest.fixture
def keyed_vectors(word_vectors):
    kv = KeyedVectors(vector_size=8)
    kv.add_vectors(list(word_vectors), np.stack(list(word_vectors.values())))
    return kv


def assert_same_ranking(actual, expected):
    assert [word for word, _ in actual] == [word for word, _ in expected]
    np.testing.assert_allclose(
        [score for _, score in actual], [score for _, score in expected], atol=1e-6
    )


@pytest.mark.parametrize(
    "positive, negative, topn",
    [
        ("king", None, 5),
        (["king", "woman"], ["man"], 10),
        (["café", "w3", "w4"], ["queen", "w7"], 4),
        ([], ["w1"], 3),
        (["w2"], None, 100),  # More than the vocabulary: every other word.
    ],
)
def test_most_similar_matches_gensim(
    word_vectors, keyed_vectors, positive, negative, topn
):
    expected = keyed_vectors.most_similar(positive, negative, topn=topn)
    assert_same_ranking(
        analysis.most_similar(word_vectors, positive, negative, topn=topn), expected
    )
    assert_same_ranking(
        analysis.most_similar(keyed_vectors, positive, negative, topn=topn), expected
    )


def test_most_similar_leaves_out_query_words(word_vectors):
    result = analysis.most_similar(word_vectors, ["king", "woman"], ["man"], topn=100)
    assert len(result) == len(WORDS) - 3
    assert not {"king", "woman", "man"} & {word for word, _ in result}


def test_most_similar_hand_computed_analogy():
    word_vectors = {
        "king": np.array([1.0, 1.0]),
        "queen": np.array([1.0, -1.0]),
        "man": np.array([0.0, 1.0]),
        "woman": np.array([0.0, -1.0]),
        "apple": np.array([-1.0, 0.0]),
    }
    (word, score), *_ = analysis.most_similar(
        word_vectors, ["king", "woman"], ["man"], topn=1
    )
    # Unit vectors: king (1, 1)/sqrt(2), woman (0, -1), -man (0, -1).
    query = np.array([1 / np.sqrt(2), 1 / np.sqrt(2) - 2]) / 3
    query /= np.linalg.norm(query)
    assert word == "queen"
    np.testing.assert_allclose(score, query @ np.array([1.0, -1.0]) / np.sqrt(2))


def test_word_distance_and_similarity_match_gensim(word_vectors, keyed_vectors):
    for word1, word2 in [("king", "queen"), ("café", "w5"), ("man", "man")]:
        np.testing.assert_allclose(
            analysis.word_distance(word_vectors, word1, word2),
            keyed_vectors.distance(word1, word2),
            atol=1e-6,
        )
        np.testing.assert_allclose(
            analysis.similarity(keyed_vectors, word1, word2),
            keyed_vectors.similarity(word1, word2),
            atol=1e-6,
        )
        np.testing.assert_allclose(
            analysis.word_distance(word_vectors, word1, word2, metric="euclidean"),
            np.linalg.norm(word_vectors[word1] - word_vectors[word2]),
            rtol=1e-6,
        )


def test_unknown_word_suggests_close_matches(word_vectors, keyed_vectors):
    for vectors in (word_vectors, keyed_vectors):
        with pytest.raises(UnknownWordError, match=r"'kin'.*king") as info:
            analysis.most_similar(vectors, ["kin"])
        assert isinstance(info.value, KeyError)
        assert "king" in info.value.suggestions
    with pytest.raises(KeyError, match=r"queen"):
        analysis.word_distance(word_vectors, "king", "quen")
    with pytest.raises(KeyError, match=r"woman"):
        analysis.similarity(keyed_vectors, "womn", "king")


def test_bad_arguments(word_vectors):
    assert analysis.most_similar(word_vectors, "king", topn=0) == []
    with pytest.raises(InvalidInputError, match=r"`topn`"):
        analysis.most_similar(word_vectors, "king", topn=-1)
    with pytest.raises(InvalidInputError, match=r"at least one word"):
        analysis.most_similar(word_vectors, [])
    with pytest.raises(InvalidInputError, match=r"metric='manhattan'"):
        analysis.word_distance(word_vectors, "king", "queen", metric="manhattan")


def test_nothing_is_cached(word_vectors):
    before = analysis.most_similar(word_vectors, "king", topn=1)[0][0]
    word_vectors["twin"] = word_vectors["king"] * 2.0
    assert analysis.most_similar(word_vectors, "king", topn=1)[0] == (
        "twin",
        pytest.approx(1.0),
    )
    assert before != "twin"


def test_public_names_and_import_paths():
    from keras_embeddings.analysis import evaluation, language_model, word_similarity
    from keras_embeddings.export import to_keyed_vectors

    modules = (word_similarity, evaluation, language_model)
    assert sorted(analysis.__all__) == sorted(n for m in modules for n in m.__all__)
    for module in modules:
        for name in module.__all__:
            assert getattr(analysis, name) is getattr(module, name)
    # The paths README, the tutorials and the tests use.
    assert analysis.similarity is word_similarity.similarity
    assert analysis.EVALUATION_DATASETS == ("wordsim353", "simlex999", "google_analogy")
    # Reachable before the split; not part of `analysis`'s own API.
    assert analysis.to_keyed_vectors is to_keyed_vectors
    assert "to_keyed_vectors" not in analysis.__all__


def test_topn_must_be_an_integer(word_vectors):
    for topn in (True, 2.0, "3"):
        with pytest.raises(InvalidInputError, match=f"topn={topn!r}"):
            analysis.most_similar(word_vectors, "king", topn=topn)
    assert len(analysis.most_similar(word_vectors, "king", topn=np.int64(2))) == 2


@pytest.mark.parametrize(
    "vectors, positive, negative, match",
    [
        ({"a": [0.0, 0.0], "b": [1.0, 0.0]}, "a", None, "vector of 'a' is all zeros"),
        ({"a": [np.nan, 1.0], "b": [1.0, 0.0]}, "a", None, "not finite"),
        ({"a": [1.0, 0.0], "b": [1.0, 1.0]}, "a", "a", "cancel out"),
    ],
    ids=["zero", "nan", "cancelling"],
)
def test_most_similar_refuses_a_query_without_direction(
    vectors, positive, negative, match
):
    # Before, every word scored 0.0 and the ranking was the file's order.
    with pytest.raises(InvalidInputError, match=match):
        analysis.most_similar(vectors, positive, negative)
