"""The built-in corpus: the Lee news corpus that ships inside gensim's wheel.

300 Australian Broadcasting Corporation news articles from 2001 (Lee, Pincombe
& Welsh, 2005), one article per line, 59,890 words. It is installed with
gensim (`gensim/test/test_data/lee_background.cor`), so the main job and the
tutorials work offline right after `pip install`. `load_corpus("lee")` reads
the same documents; `list_corpora()` names the other corpora that ship.
"""

import os

from keras_embeddings.errors import MissingInputError
from keras_embeddings.text.corpus import read_corpus

__all__ = ["LECTURE_CORPUS", "builtin_corpus_path", "load_builtin_corpus"]

# The lecture's five-sentence corpus ("Embedding Creation using Word2Vec", §1),
# also data/corpora/five_sentences.txt: load_corpus("five-sentences").
LECTURE_CORPUS = (
    "I love machine learning",
    "I love deep learning",
    "Deep learning is a subfield of machine learning",
    "AI is fascinating",
    "Machine learning is fascinating",
)


def builtin_corpus_path():
    """The path of the built-in corpus file (one news article per line).

    Raises:
        MissingInputError: the file is missing from the gensim install.

    Example:

    ```python
    >>> from keras_embeddings.datasets import builtin_corpus_path
    >>> builtin_corpus_path()
    '.../lee_background.cor'
    ```
    """
    from gensim.test.utils import datapath

    path = datapath("lee_background.cor")
    if not os.path.isfile(path):
        raise MissingInputError(
            f"The built-in corpus {path!r} is missing from the gensim install. "
            "Reinstall gensim (`pip install --force-reinstall gensim`) or pass "
            "--corpus."
        )
    return path


def load_builtin_corpus():
    """The built-in corpus as a list of str, one news article each.

    Example:

    ```python
    >>> from keras_embeddings.datasets import load_builtin_corpus
    >>> docs = load_builtin_corpus()
    >>> len(docs)
    300
    >>> docs[0][:40]
    'Hundreds of people have been forced to v'
    ```
    """
    return list(read_corpus(builtin_corpus_path()))
