"""The recipes' paths beyond one machine's memory and one device:
`distribute=` (`keras_embeddings.distribute.strategy`) and
`steps_per_epoch=` (the corpus streamed from its files,
`text.build_vocabulary` and `datasets.word2vec_file_dataset`).
"""

import contextlib
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


def streamed_corpus(corpus, encoding, vocabulary_size, min_count, print_fn,
                    oov_token=None):  # fmt: skip
    """`(StreamedCorpus, text.Vocabulary)` of one streaming pass over the
    corpus files, printing a progress line every 32 MiB and at the end;
    `oov_token` as `text.build_vocabulary`'s."""
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
        oov_token=oov_token,
    )
    streamed = StreamedCorpus(
        name=os.fspath(corpus),
        vocabulary=counted.words,
        documents=counted.documents,
        words=int(counted.counts.sum()),
    )
    return streamed, counted


def check_workers(workers, worker_index, distribute, steps_per_epoch):
    """Refuse `workers=` settings that cannot run, before anything starts:
    every worker must run the same steps (`steps_per_epoch`), and one run
    is either many workers or many devices of one process."""
    if workers is None:
        if worker_index is not None:
            raise InvalidInputError(
                "`worker_index` applies with `workers` only. Pass `workers` "
                "(HOST:PORT of every worker, the chief first) or leave out "
                f"`worker_index`. Received: worker_index={worker_index!r}"
            )
        return
    if distribute is not None:
        raise InvalidInputError(
            "`workers` and `distribute` cannot be used together: a run trains "
            "either on many workers (data parallel, one device each) or on "
            "the devices of one process. Leave out one of them. Received: "
            f"workers={workers!r}, distribute={distribute!r}"
        )
    if steps_per_epoch is None:
        raise InvalidInputError(
            "`workers` needs `steps_per_epoch`: every worker streams its shard "
            "of the corpus files and must run the same number of steps (a "
            "worker that stops early leaves the others waiting). Pass "
            f"`steps_per_epoch`. Received: workers={workers!r}, "
            "steps_per_epoch=None"
        )
    if workers == "env" and worker_index is not None:
        raise InvalidInputError(
            "With workers='env' the worker's index comes from TF_CONFIG or "
            "KERAS_DISTRIBUTION_PROCESS_ID: leave out `worker_index`. "
            f"Received: worker_index={worker_index!r}"
        )
    if workers != "env" and worker_index is None:
        raise InvalidInputError(
            "`workers` needs `worker_index`, this worker's place in it (0 is "
            f"the chief). Received: workers={workers!r}, worker_index=None"
        )


def start_workers(workers, worker_index):
    """Join the workers (`distribute.workers.start_workers`): the first
    TensorFlow / JAX work of the process. `workers="env"` reads the cluster
    from `TF_CONFIG` / `KERAS_DISTRIBUTION_*`."""
    from keras_embeddings.distribute import workers as ke_workers

    if workers == "env":
        return _OnWorkers(ke_workers.start_workers())
    return _OnWorkers(ke_workers.start_workers(workers, None, worker_index))


class _OnWorkers:
    """The strategy of a run with `workers`: build and compile in the
    workers' scope, train with `Workers.fit`, outputs on the chief only."""

    def __init__(self, started):
        self.workers = started
        self._scopes = []

    def __enter__(self):
        scope = self.workers.scope()
        scope.__enter__()
        self._scopes.append(scope)
        return self

    def __exit__(self, *exc_info):
        return self._scopes.pop().__exit__(*exc_info)

    def prepare_dataset(self, dataset):
        return dataset

    def compile_arguments(self):
        """On TensorFlow, one step per call (`distribute.workers`)."""
        import keras

        if keras.backend.backend() == "tensorflow":
            return {"steps_per_execution": 1}
        return {}

    def shard(self):
        """This worker's shard of the corpus files (`word2vec_file_dataset`)."""
        index, count, _ = self.workers.info
        return {"num_shards": count, "shard_index": index}

    def describe(self):
        index, count, chief = self.workers.info
        role = "the chief: it writes the outputs" if chief else "not the chief"
        shard = self.shard()
        return (
            f"Workers: this is worker {index} of {count} ({role}), reading "
            f"shard {shard['shard_index']} of {shard['num_shards']} of the corpus."
        )

    def fit(self, model, dataset, **kwargs):
        steps = int(dataset.cardinality())
        return self.workers.fit(model, dataset, steps_per_epoch=steps, **kwargs)

    def output_folder(self, out):
        """The `out` this worker's run folder uses: `out` on the chief; on
        the others one inside a temporary folder, deleted after."""
        from keras_embeddings.distribute import workers as ke_workers

        @contextlib.contextmanager
        def folder():
            with ke_workers.output_folder(out) as path:
                if os.fspath(path) == os.fspath(out):
                    yield out
                else:
                    yield os.path.join(path, os.path.basename(os.path.abspath(out)))

        return folder()


def fit(chosen, model, dataset, **kwargs):
    """`model.fit`, or `Workers.fit` in step with the other workers."""
    if isinstance(chosen, _OnWorkers):
        return chosen.fit(model, dataset, **kwargs)
    return model.fit(dataset, **kwargs)


def run_out(chosen, out):
    """A context yielding the folder the run publishes into: `out`, but a
    temporary one on a worker that is not the chief."""
    if isinstance(chosen, _OnWorkers):
        return chosen.output_folder(out)
    return contextlib.nullcontext(out)
