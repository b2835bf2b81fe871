"""The recipes' paths beyond one machine's memory and one device:
`distribute=` (`keras_embeddings.distribute.strategy`) and
`steps_per_epoch=` (the corpus streamed from its files,
`text.build_vocabulary` and `datasets.word2vec_file_dataset`).
"""

import glob
import os

from keras_embeddings._validation import one_of
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.pipelines import _checks
from keras_embeddings.pipelines._common import StreamedCorpus


class _OneDevice:
    """The strategy of a run without `distribute`: nothing changes."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def prepare_dataset(self, dataset):
        return dataset


def strategy_of(mode):
    """`distribute.strategy(mode)`, or one device for None; a backend that
    cannot run `mode` is refused here, before anything is read or written."""
    if mode is None:
        return _OneDevice()
    from keras_embeddings import distribute

    return distribute.strategy(one_of("distribute", mode, distribute.MODES))


def check_streamable(corpus):
    """Refuse what `steps_per_epoch` cannot stream: it reads files."""
    if isinstance(corpus, (str, os.PathLike)):
        path = os.fspath(corpus)
        if os.path.exists(path) or glob.has_magic(path):
            return
    raise InvalidInputError(
        "`steps_per_epoch` streams the corpus from its files: `corpus` must be "
        "a text file, a folder or a glob of them (or a Wikipedia dump, "
        f"*.xml.bz2) that exists. Received: corpus={corpus!r:.80}. A corpus "
        "name or a list of documents is read into memory: leave out "
        "`steps_per_epoch` for it."
    )


def streamed_corpus(corpus, encoding, vocabulary_size, min_count, print_fn):
    """`(StreamedCorpus, text.Vocabulary)` of one streaming pass over the
    corpus files, printing a progress line every 32 MiB and at the end."""
    from keras_embeddings import text

    def progress(bytes_read, words_seen, seconds):
        megabytes = bytes_read / 1e6
        print_fn(
            f"Vocabulary pass: {megabytes:,.1f} MB, {words_seen:,} words seen, "
            f"{megabytes / max(seconds, 1e-9):,.1f} MB/s"
        )

    if vocabulary_size == 1:  # only padding (`build_vocabulary` wants 2+)
        _checks.check_words([""], reserved=1)
    counted = text.build_vocabulary(
        corpus,
        min_count=min_count,
        max_vocabulary=vocabulary_size,
        encoding=encoding,
        progress=progress,
    )
    streamed = StreamedCorpus(
        name=os.fspath(corpus),
        vocabulary=counted.words,
        documents=counted.documents,
        words=int(counted.counts.sum()),
    )
    return streamed, counted
