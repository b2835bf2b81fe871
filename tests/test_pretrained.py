import json

import keras
import keras_hub
import numpy as np
import pytest

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.models.pretrained import contextual_embeddings, from_preset

VOCABULARY = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "bank",
    "of",
    "river",
    "money",
    "in",
    "a",
    "lent",
    "##s",
    ".",
]
MAX_SEQUENCE_LENGTH = 16


def _tiny_bert():
    keras.utils.set_random_seed(0)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(VOCABULARY),
        num_layers=1,
        num_heads=2,
        hidden_dim=16,
        intermediate_dim=32,
        max_sequence_length=MAX_SEQUENCE_LENGTH,
    )
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=VOCABULARY, lowercase=True)
    return backbone, tokenizer


@pytest.fixture(scope="module")
def bert():
    return _tiny_bert()


@pytest.fixture(scope="module")
def preset_dir(bert, tmp_path_factory):
    backbone, tokenizer = bert
    path = tmp_path_factory.mktemp("tiny_bert")
    backbone.save_to_preset(str(path))
    tokenizer.save_to_preset(str(path))
    return path


def test_from_preset_round_trip(bert, preset_dir):
    backbone, tokenizer = bert
    loaded_backbone, loaded_tokenizer = from_preset(preset_dir)  # a Path works
    assert isinstance(loaded_backbone, keras_hub.models.BertBackbone)
    assert isinstance(loaded_tokenizer, keras_hub.models.BertTokenizer)
    assert loaded_tokenizer.get_vocabulary() == VOCABULARY
    texts = ["The river bank.", "Money in the banks", "a"]
    original = contextual_embeddings(backbone, tokenizer, texts)
    loaded = contextual_embeddings(loaded_backbone, loaded_tokenizer, texts)
    for (tokens, vectors), (loaded_tokens, loaded_vectors) in zip(original, loaded):
        assert loaded_tokens == tokens
        np.testing.assert_allclose(loaded_vectors, vectors, atol=1e-6)


def test_contextual_embeddings_are_the_sequence_output(bert):
    backbone, tokenizer = bert
    tokens, vectors = contextual_embeddings(
        backbone, tokenizer, "The bank of the river"
    )
    assert tokens == ["[CLS]", "the", "bank", "of", "the", "river", "[SEP]"]
    # Oracle: the ids written by hand from VOCABULARY, fed to the backbone.
    token_ids = np.array([[2, 5, 6, 7, 5, 8, 3]], dtype="int32")
    expected = backbone(
        {
            "token_ids": token_ids,
            "segment_ids": np.zeros_like(token_ids),
            "padding_mask": np.ones_like(token_ids, dtype=bool),
        }
    )["sequence_output"][0]
    assert vectors.shape == (7, 16) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, keras.ops.convert_to_numpy(expected), atol=1e-6)


def test_same_word_gets_different_vectors_in_different_contexts(bert):
    backbone, tokenizer = bert
    # "bank" is token 2 of both texts: same id, same position, so the same
    # input vector; only the words after it differ.
    (tokens_a, a), (tokens_b, b) = contextual_embeddings(
        backbone, tokenizer, ["the bank of the river", "the bank lent money"]
    )
    # Random weights mix in the context only weakly (near-uniform attention),
    # so compare against float32 noise: batching changes vectors by ~1e-7.
    assert tokens_a[2] == tokens_b[2] == "bank"
    assert np.abs(a[2] - b[2]).max() > 1e-3
    # The tokens before "bank" differ too: attention looks both ways.
    assert tokens_a[1] == tokens_b[1] == "the"
    assert np.abs(a[1] - b[1]).max() > 1e-3
    # The vectors before the first differing word ([CLS] included) are not
    # shared either, unlike a causal (left-to-right) model's.
    assert np.abs(a[0] - b[0]).max() > 1e-3


def test_padding_and_batching_do_not_change_vectors(bert):
    backbone, tokenizer = bert
    short = "the bank"
    alone_tokens, alone = contextual_embeddings(backbone, tokenizer, short)
    batched = contextual_embeddings(
        backbone, tokenizer, [short, "money in the bank of the river lent a bank"]
    )
    one_by_one = contextual_embeddings(
        backbone, tokenizer, [short, "a river"], batch_size=1
    )
    assert batched[0][0] == alone_tokens == one_by_one[0][0]
    np.testing.assert_allclose(batched[0][1], alone, atol=1e-5)
    np.testing.assert_allclose(one_by_one[0][1], alone, atol=1e-5)


def test_long_text_is_cut_to_max_sequence_length(bert):
    backbone, tokenizer = bert
    tokens, vectors = contextual_embeddings(backbone, tokenizer, "the bank " * 20)
    assert len(tokens) == MAX_SEQUENCE_LENGTH == len(vectors)
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert tokens[1:-1] == ["the", "bank"] * 7


def test_unknown_word_becomes_unk_token(bert):
    backbone, tokenizer = bert
    tokens, _ = contextual_embeddings(backbone, tokenizer, "the zebra")
    assert tokens == ["[CLS]", "the", "[UNK]", "[SEP]"]


def test_directory_named_like_a_preset_loads_locally(bert, tmp_path, monkeypatch):
    # `bert_tiny_en_uncased` is also a Kaggle preset: the folder must win,
    # without any download.
    backbone, tokenizer = bert
    backbone.save_to_preset(str(tmp_path / "bert_tiny_en_uncased"))
    tokenizer.save_to_preset(str(tmp_path / "bert_tiny_en_uncased"))
    monkeypatch.chdir(tmp_path)
    loaded_backbone, _ = from_preset("bert_tiny_en_uncased")
    assert loaded_backbone.count_params() == backbone.count_params()


def test_missing_directory(tmp_path):
    missing = tmp_path / "no_such_preset"
    with pytest.raises(MissingInputError, match="does not exist") as info:
        from_preset(missing)
    assert str(missing) in str(info.value)


def test_misspelled_preset_name_suggests_the_name():
    with pytest.raises(MissingInputError, match="'bert_tiny_en_uncased'"):
        from_preset("bert_tiny_en_uncase")


def test_directory_that_is_not_a_preset(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(InvalidInputError, match="config.json") as info:
        from_preset(tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "save_to_preset" in message
    with pytest.raises(InvalidInputError, match="is a file"):
        from_preset(tmp_path / "notes.txt")


def test_preset_without_tokenizer(bert, tmp_path):
    backbone, _ = bert
    backbone.save_to_preset(str(tmp_path))
    with pytest.raises(InvalidInputError, match=r"tokenizer\.save_to_preset"):
        from_preset(tmp_path)


def test_preset_with_broken_config(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"hello": "world"}))
    with pytest.raises(InvalidInputError, match="no loadable backbone") as info:
        from_preset(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_download_failure_says_what_to_do(monkeypatch):
    def offline(cls, preset, **kwargs):
        raise ConnectionError("Failed to resolve 'api.kaggle.com'")

    monkeypatch.setattr(keras_hub.models.Backbone, "from_preset", classmethod(offline))
    with pytest.raises(MissingInputError, match="Could not download") as info:
        from_preset("bert_tiny_en_uncased")
    assert "save_to_preset" in str(info.value)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"texts": 5}, "texts"),
        ({"texts": []}, "texts"),
        ({"texts": ["ok", b"bytes"]}, "texts"),
        ({"batch_size": 0}, "batch_size"),
        ({"backbone": "bert"}, "backbone"),
        ({"tokenizer": None}, "tokenizer"),
    ],
)
def test_contextual_embeddings_bad_arguments(bert, kwargs, name):
    backbone, tokenizer = bert
    arguments = {"backbone": backbone, "tokenizer": tokenizer, "texts": "the bank"}
    with pytest.raises(InvalidInputError, match=f"`{name}`"):
        contextual_embeddings(**{**arguments, **kwargs})


def test_from_preset_bad_argument():
    with pytest.raises(InvalidInputError, match="`preset`"):
        from_preset(3)
