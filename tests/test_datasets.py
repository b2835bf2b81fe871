import collections

import keras
import numpy as np
import pytest

from keras_embeddings import datasets, text
from keras_embeddings.errors import InvalidInputError


def test_builtin_corpus_is_real_prose_offline():
    docs = datasets.load_builtin_corpus()
    assert len(docs) == 300
    words = sum(len(d.split()) for d in docs)
    assert words >= 50_000
    assert "Hundreds of people have been forced" in docs[0]


def _lecture_windows(sequences, length):
    # Independent oracle: the lecture's n-gram prefixes, each context cut to
    # its last `length` ids and right-padded with Keras' pad_sequences.
    prefixes = text.ngram_sequences(sequences)
    x = keras.utils.pad_sequences(
        [p[:-1][-length:] for p in prefixes], maxlen=length, padding="post"
    )
    return x, np.array([p[-1] for p in prefixes])


@pytest.mark.parametrize("length", [1, 2, 3, 10])
def test_windows_equal_lecture_prefixes(length):
    rng = np.random.default_rng(length)
    sequences = [list(rng.integers(1, 30, size=n)) for n in (0, 1, 2, 5, 9, 3)]
    x, y = datasets.next_token_windows(sequences, length)
    x_ref, y_ref = _lecture_windows(sequences, length)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert x.dtype == np.int32 and y.dtype == np.int32
    # NumPy arrays, as documented (not TensorFlow tensors), on every backend.
    assert type(x) is np.ndarray and type(y) is np.ndarray


def _examples(dataset):
    return [
        (tuple(row), int(target))
        for x, y in dataset
        for row, target in zip(x.numpy().tolist(), y.numpy().tolist())
    ]


def test_dataset_covers_every_window_once_with_held_out_tail():
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(1, 50, size=n)) for n in rng.integers(0, 40, 30)]
    x, y = datasets.next_token_windows(sequences, 4)
    expected = [(tuple(r), int(t)) for r, t in zip(x.tolist(), y.tolist())]
    train, val = datasets.next_token_dataset(
        sequences, 4, batch_size=16, validation_split=0.2, seed=1
    )
    got_train, got_val = _examples(train), _examples(val)
    n_val = round(len(expected) * 0.2)
    assert got_val == expected[-n_val:]  # held-out text, in order
    assert collections.Counter(got_train) == collections.Counter(expected[:-n_val])
    for xb, yb in train:
        assert xb.dtype == "int32" and yb.dtype == "int32"
        assert xb.shape[1] == 4 and xb.shape[0] <= 16 and yb.shape == (xb.shape[0],)


def test_dataset_reshuffles_each_epoch_and_is_seeded():
    sequences = [list(range(1, 200))]
    train, _ = datasets.next_token_dataset(
        sequences, 3, batch_size=500, validation_split=0, seed=7
    )
    first, second = _examples(train), _examples(train)
    assert first != second and sorted(first) == sorted(second)
    again, _ = datasets.next_token_dataset(
        sequences, 3, batch_size=500, validation_split=0, seed=7
    )
    assert _examples(again) == first
    unshuffled, _ = datasets.next_token_dataset(
        sequences, 3, validation_split=0, shuffle=False
    )
    assert [t for _, t in _examples(unshuffled)] == list(range(2, 200))


def test_dataset_bad_inputs():
    with pytest.raises(InvalidInputError, match="nothing to predict"):
        datasets.next_token_dataset([[], [5]], 3)
    with pytest.raises(InvalidInputError, match="sequence_length"):
        datasets.next_token_dataset([[1, 2, 3]], 0)
    with pytest.raises(InvalidInputError, match="batch_size"):
        datasets.next_token_dataset([[1, 2, 3]], 2, batch_size=0)
    with pytest.raises(InvalidInputError, match="validation_split"):
        datasets.next_token_dataset([[1, 2, 3]], 2, validation_split=1.0)
    with pytest.raises(InvalidInputError, match="validation_split"):
        datasets.next_token_dataset([[1, 2]], 2, validation_split=0.1)
    with pytest.raises(InvalidInputError, match="non-negative"):
        datasets.next_token_windows([[1, -2, 3]], 2)
