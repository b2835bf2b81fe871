"""`datasets.word2vec_file_dataset`: word2vec batches streamed from files.

Oracle: the in-memory `datasets.word2vec_dataset` on the `Tokenizer` path's
id sequences of the same corpus (the same examples, without subsampling and
with fixed windows), and a SkipGram `fit` that lowers the loss.
"""

import collections
import os

import gensim
import numpy as np
import pytest
import tensorflow as tf

from keras_embeddings import datasets, text
from keras_embeddings.errors import InvalidInputError, MissingInputError

LEE = os.path.join(
    os.path.dirname(gensim.__file__), "test", "test_data", "lee_background.cor"
)


def _epoch(dataset):
    parts = [
        (x.numpy(), y.numpy(), n.numpy(), labels.numpy(), w.numpy())
        for (x, y, n), labels, w in dataset
    ]
    return [np.concatenate(p) for p in zip(*parts)]


def _in_memory(corpus, vocabulary, **kwargs):
    """The same corpus through `word2vec_dataset`: ids of the vocabulary."""
    index = {w: i for i, w in enumerate(vocabulary.words) if w}
    sequences = [
        [index[w] for w in text.text_to_word_sequence(line) if w in index]
        for line in text.read_corpus(corpus)
    ]
    return _epoch(
        datasets.word2vec_dataset(
            sequences, len(vocabulary.words), shuffle=False, seed=0, **kwargs
        )
    )


@pytest.fixture(scope="module")
def lee_vocabulary():
    return text.build_vocabulary(LEE, min_count=5)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_structure_equals_word2vec_dataset(lee_vocabulary, model):
    settings = dict(model=model, batch_size=64, shared_negatives=8, window_size=3)
    ds = datasets.word2vec_file_dataset(
        LEE, lee_vocabulary, seed=0, steps_per_epoch=3, **settings
    )
    index = {w: i for i, w in enumerate(lee_vocabulary.words)}
    reference = datasets.word2vec_dataset(
        [[index["the"], index["of"], index["to"]]] * 40,
        len(lee_vocabulary.words),
        seed=0,
        **settings,
    )
    assert ds.element_spec == reference.element_spec
    assert int(ds.cardinality()) == 3 and len(list(ds)) == 3
    assert ds._keras_embeddings_ids_below == len(lee_vocabulary.words)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_shards_partition_the_in_memory_examples(lee_vocabulary, model):
    # No subsampling and fixed windows: the examples are fixed, so the shards'
    # examples together must be the in-memory dataset's, each once.
    settings = dict(model=model, sample=0, shrink_windows=False, window_size=2)
    settings.update(batch_size=512, shared_negatives=1)
    x, y, _, _, w = _in_memory(LEE, lee_vocabulary, **settings)
    expected = collections.Counter(zip(map(bytes, x[w == 1]), y[w == 1]))
    got = collections.Counter()
    centers = []
    for shard in range(3):
        ds = datasets.word2vec_file_dataset(
            LEE, lee_vocabulary, num_shards=3, shard_index=shard, seed=1, **settings
        )
        assert int(ds.cardinality()) == -2  # unknown: one round of the shard
        policy = ds.options().experimental_distribute.auto_shard_policy
        assert policy == tf.data.experimental.AutoShardPolicy.OFF
        sx, sy, sn, labels, sw = _epoch(ds)
        assert ((sw == 0) | (sw == 1)).all() and sw[: len(sw) - 512].all()
        assert (sn > 0).all() and (sn < len(lee_vocabulary.words)).all()
        assert (labels[:, 0] == 1).all() and (labels[:, 1:] == 0).all()
        got.update(zip(map(bytes, sx[sw == 1]), sy[sw == 1]))
        centers.append(
            collections.Counter((sx if model == "skipgram" else sy)[sw == 1])
        )
    assert got == expected
    # The shards' center words differ: each has its own documents.
    assert centers[0] != centers[1] != centers[2]


def test_steps_per_epoch_continues_the_stream(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("".join(f"w{i} w{i + 1} w{i + 2}\n" for i in range(0, 300, 3)))
    vocabulary = text.build_vocabulary(path, min_count=1)
    settings = dict(sample=0, shrink_windows=False, window_size=1, shuffle=False)
    ds = datasets.word2vec_file_dataset(
        path, vocabulary, batch_size=40, steps_per_epoch=7, seed=0, **settings
    )
    first, second = _epoch(ds), _epoch(ds)
    assert len(first[1]) == len(second[1]) == 7 * 40 and first[4].all()
    # 400 pairs a round: the stream goes on across epochs and rounds.
    pairs = list(zip(first[0], first[1])) + list(zip(second[0], second[1]))
    one_round = _epoch(
        datasets.word2vec_file_dataset(
            path, vocabulary, batch_size=40, seed=0, **settings
        )
    )
    round_pairs = list(zip(one_round[0], one_round[1]))
    assert len(round_pairs) == 400
    assert pairs == (round_pairs + round_pairs)[: len(pairs)]


def test_skipgram_fit_lowers_the_loss(lee_vocabulary):
    import keras

    from keras_embeddings.models import SkipGram

    keras.utils.set_random_seed(0)
    ds = datasets.word2vec_file_dataset(
        LEE, lee_vocabulary, batch_size=256, seed=0, steps_per_epoch=20
    )
    model = SkipGram(len(lee_vocabulary.words), embedding_dim=16)
    model.compile(learning_rate=0.025, decay_steps=3 * 20)
    history = model.fit(ds, epochs=3, verbose=0, shuffle=False)
    loss = history.history["loss"]
    assert np.isfinite(loss).all() and loss[-1] < loss[0]


def test_bad_inputs_raise_one_clear_error(tmp_path, lee_vocabulary):
    with pytest.raises(MissingInputError, match="does not exist"):
        datasets.word2vec_file_dataset(tmp_path / "missing.txt", lee_vocabulary)
    with pytest.raises(InvalidInputError, match="shard_index"):
        datasets.word2vec_file_dataset(LEE, lee_vocabulary, num_shards=2, shard_index=2)
    with pytest.raises(InvalidInputError, match="vocabulary"):
        datasets.word2vec_file_dataset(LEE, ["", "the"])
    empty = text.Vocabulary([""], np.zeros(1, np.int64), 0, 0, 0, 0.0)
    with pytest.raises(InvalidInputError, match="at least one counted word"):
        datasets.word2vec_file_dataset(LEE, empty)
    with pytest.raises(InvalidInputError, match="steps_per_epoch"):
        datasets.word2vec_file_dataset(LEE, lee_vocabulary, steps_per_epoch=0)
    # A shard with no known neighbouring words: the error names it.
    (tmp_path / "one.txt").write_text("zzz\n")
    ds = datasets.word2vec_file_dataset(
        tmp_path / "one.txt", lee_vocabulary, steps_per_epoch=1
    )
    with pytest.raises(Exception, match="no two neighbouring words"):
        next(iter(ds))


@pytest.mark.parametrize("oov_token", [None, "<unk>"])
def test_next_token_windows_equal_next_token_dataset(tmp_path, oov_token):
    path = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    path.write_text(
        "".join(" ".join(f"w{r}" for r in rng.zipf(1.5, size=n) % 40) + "\n"
                for n in rng.integers(1, 30, size=60))
    )  # fmt: skip
    vocabulary = text.build_vocabulary(path, min_count=3, oov_token=oov_token)
    tokenizer = text.Tokenizer(oov_token=oov_token)
    tokenizer.fit_on_texts(text.read_corpus(path))
    tokenizer.num_words = len(vocabulary.words)
    assert tokenizer.get_vocabulary() == vocabulary.words
    sequences = tokenizer.texts_to_sequences(text.read_corpus(path))

    def windows(ds):
        return collections.Counter(
            (bytes(x), int(y)) for xs, ys in ds for x, y in zip(xs.numpy(), ys.numpy())
        )

    # The last quarter of the 60 documents is held out.
    expected = []
    for part in (sequences[:45], sequences[45:]):
        reference, _ = datasets.next_token_dataset(
            part, 4, batch_size=16, validation_split=0, shuffle=False
        )
        expected.append(windows(reference))
    got = [collections.Counter(), collections.Counter()]
    for shard in range(2):
        train, validation = datasets.next_token_file_dataset(
            path, vocabulary, 4, batch_size=16, oov_token=oov_token,
            num_shards=2, shard_index=shard, seed=0, validation_split=0.25,
        )  # fmt: skip
        assert train.element_spec == reference.element_spec
        assert validation.element_spec == reference.element_spec
        got[0] += windows(train)
        got[1] += windows(validation)
    assert got == expected
    whole, none = datasets.next_token_file_dataset(
        path, vocabulary, 4, batch_size=16, oov_token=oov_token, validation_split=0
    )
    assert none is None and windows(whole) == expected[0] + expected[1]
    with pytest.raises(InvalidInputError, match="oov_token"):
        datasets.next_token_file_dataset(path, vocabulary, 4, oov_token="<oov>")
    with pytest.raises(InvalidInputError, match="validation_split=0.999"):
        datasets.next_token_file_dataset(
            path, vocabulary, 4, oov_token=oov_token, validation_split=0.999
        )


@pytest.mark.slow
def test_streams_a_wikipedia_dump():
    wiki = os.path.join(
        os.path.dirname(LEE),
        "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
    )
    vocabulary = text.build_vocabulary(wiki, min_count=5)
    ds = datasets.word2vec_file_dataset(
        wiki, vocabulary, batch_size=256, seed=0, steps_per_epoch=4
    )
    (x, y, _), _, w = next(iter(ds))
    assert w.numpy().all() and (x.numpy() > 0).all() and (y.numpy() > 0).all()


@pytest.mark.parametrize("steps_per_epoch", [None, 3])
def test_a_resumed_run_gets_the_uninterrupted_batches(lee_vocabulary, steps_per_epoch):
    settings = dict(batch_size=512, seed=3, steps_per_epoch=steps_per_epoch)
    ds = datasets.word2vec_file_dataset(LEE, lee_vocabulary, **settings)
    epochs = [_epoch(ds) for _ in range(3)]
    resumed = datasets.word2vec_file_dataset(
        LEE, lee_vocabulary, initial_epoch=2, **settings
    )
    for got, expected in zip(_epoch(resumed), epochs[2]):
        np.testing.assert_array_equal(got, expected)
    assert not np.array_equal(epochs[1][0], epochs[2][0])
