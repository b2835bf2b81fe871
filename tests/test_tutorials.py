"""Every tutorial runs end to end in smoke mode and keeps the keras-io format.

Each `tutorials/*.py` (found by glob, so new tutorials are picked up) runs as
its own process with `KERAS_EMBEDDINGS_SMOKE=1` (few epochs, a slice of the
corpus), its outputs sent to a temporary `KERAS_EMBEDDINGS_OUT` and its
working directory a temporary folder that must stay empty.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import keras
import pytest

_HAS_NBCLIENT = importlib.util.find_spec("nbclient") is not None

TUTORIALS_DIR = Path(__file__).resolve().parents[1] / "tutorials"
TUTORIALS = sorted(TUTORIALS_DIR.glob("*.py"))
TIMEOUT_S = 300  # smoke runs take well under a minute; leave room for busy CI

# Files a tutorial must write under KERAS_EMBEDDINGS_OUT.
EXPECTED_FILES = {
    "07_glove.py": [
        "history.png",
        "dimension_sweep.png",
        "glove_2d.png",
        "glove_tsne.png",
    ],
    "02_neuron_to_layer.py": [
        "neurons_1d.png",
        "neurons_2d_sigmoid.png",
        "neurons_2d_threshold.png",
        "and_neuron.png",
    ],
    "06_word2vec_at_scale.py": [
        "tensorboard/projector_config.pbtxt",
        "tensorboard/embedding/tensor.tsv",
        "tensorboard/embedding/metadata.tsv",
        "history.png",
        "skipgram_pca.png",
        "vectors.txt",
    ],
    "04_next_token_lstm.py": [
        "tensorboard/projector_config.pbtxt",
        "tensorboard/embedding/tensor.tsv",
        "tensorboard/embedding/metadata.tsv",
        "history.png",
        "embedding_pca.png",
        "similarity.png",
        "vectors.txt",
    ],
    "11_using_your_embedding.py": [
        "word2vec/model.keras",
        "word2vec/vectors.txt",
        "vectors.glove.txt",
    ],
    "09_transformers_and_contextual_embeddings.py": [
        "positional_encoding.png",
        "attention_weights.png",
        "tiny_bert_preset/config.json",
        "tiny_bert_preset/model.weights.h5",
        "tiny_bert_preset/tokenizer.json",
    ],
}
# Text a tutorial must print.
EXPECTED_OUTPUT = {
    "01_text_pipeline.py": [
        # The lecture's word_index: by decreasing count, ties in first-seen order.
        "'learning': 1, 'machine': 2, 'is': 3, 'i': 4, 'love': 5",
        "'ai': 11}",
        "Before fit_on_texts: total_words = 1",
        "After fit_on_texts:  total_words = 12",
        "18 n-gram prefixes",
        "next_token_windows gives the same X: True",
        "next_token_windows gives the same y: True",
        "100,000,000,000 floats = 400 GB",
    ],
    "02_neuron_to_layer.py": [
        "y = sigmoid(z) = 0.990048",
        "activation=hard_threshold: max difference 0.0",
        "Bias -1 matches the definition on every example: True",
    ],
    "03_one_hot_vs_embedding.py": [
        "400 GB",
        "99.9980% zeros",
        "Identical: True",
        "The rows that moved are exactly the input words: True",
        "[0.25 0.25 0.   0.5  0.  ]",  # the CBOW notebook's context vector
    ],
    "04_next_token_lstm.py": [
        "X: (18, 7), y: (18,), total_words = 12",  # the lecture's 18 prefixes
        "Table shape: (12, 10) | dict entries: 11",  # every word, no padding row
        "Same as the lecture's loop: True",
        "tensorboard --logdir",
    ],
    "05_cbow_step_by_step.py": [
        "0.08276947985173956",
        "[0.         0.         0.17045858]",
        "same W2, b2 as the notebook: True True",
    ],
    "06_word2vec_at_scale.py": [
        "targets (1024,), contexts (1024,), negative_ids (32, 5), labels (1024, 6)",
        "words/s after the first epoch",
        "gensim skip-gram:",
        "keras CBOW",
        "tensorboard --logdir",
    ],
    "07_glove.py": [
        "symmetric == asymmetric + transpose: True",
        "asymmetric: 2,500 parameters, 2V(d + 1) = 2,500",
        'X["new", "york"] = 1893, X["york", "new"] = 0',
    ],
    "08_neural_language_model.py": [
        # The assignment's split sizes and the seed's cross-entropy of batch 0.
        "train: inputs (372500, 3), targets (372500,)",
        "Summed cross-entropy of the batch: 321.357713",
        "250 next-word vectors, 250 masked-model vectors",  # all 250 words
        "she is a ",
    ],
    "09_transformers_and_contextual_embeddings.py": [
        # PE(pos=1, 2i) = sin(1 / 10000^(2i/8)), PE(pos=1, 2i+1) = cos(...).
        "PE(pos=1) = [0.841 0.54  0.1   0.995 0.01  1.    0.001 1.   ]",
        "Weights: [(8, 2, 4), (8, 2, 4), (8, 2, 4), (2, 4, 8)] + biases",
        "[[1.   0.   0.   0.   0.  ]",  # the causal mask's first row
        "Rows sum to 1: True",
        "All 8 checks agree to 1e-5: True",
        "Earlier vectors unchanged: True",
        "from_preset loaded a BertBackbone",
    ],
    "10_gradients_by_hand.py": [
        "[48. 12. 24.]",  # hw1 §1.3.1: H y for v = [4, 1, 2], y = [2, 2, 1]
        "Gradient check failed for weight `scale_g/w`",
    ],
    "11_using_your_embedding.py": [
        "Missing words: ['<unk>']",  # both tokenizers keep the same words
        "Padding row is zeros: True",
        "Rows follow the tokenizer's ids: True",
        "Frozen table unchanged after training: True",
        "Identical to the vectors written: True",
        "Identical to gensim's reading: True",
        "Identical: True",  # the GloVe file gives the same layer
        "Table still the file's: True",
    ],
    "12_subword_embeddings.py": [
        "text.char_ngrams gives the same: True",
        "gensim's compute_ngrams too: True",
        "All three agree: True",  # FNV-1a by hand, text.ft_hash, gensim
        "'é>': by hand 4247996781, text.ft_hash 4247996781, gensim 4247996781",
        "Same rows as gensim's ft_ngram_hashes: True True",
        "In the corpus: [] (none)",  # the unseen words are unseen
        "governmnet: UnknownWordError: Word 'governmnet' is not in the vocabulary",
        "FastTextKeyedVectors (65536, 32)",
        "kv['governmnet'] equals model.get_vector('governmnet'): True",
        "kv['wherever'] equals model.get_vector('wherever'): True",
    ],
}
# Tutorials that read ../shared/data/csc321 (elsewhere they would download it).
CSC321 = Path(__file__).resolve().parents[2] / "shared" / "data" / "csc321"
NEEDS_CSC321 = {"07_glove.py", "08_neural_language_model.py"}
HEADER_FIELDS = (
    "Title",
    "Author",
    "Date created",
    "Last modified",
    "Description",
    "Accelerator",
    "Colab",  # the notebook's link, kept by tools/notebooks.py
)


def _ids(path):
    return path.name


def test_tutorials_are_found():
    names = {path.name for path in TUTORIALS}
    assert {"01_text_pipeline.py", "04_next_token_lstm.py"} <= names
    assert set(EXPECTED_FILES) | set(EXPECTED_OUTPUT) <= names


@pytest.mark.parametrize("path", TUTORIALS, ids=_ids)
def test_tutorial_follows_keras_io_format(path):
    source = path.read_text(encoding="utf-8")
    header = re.match(r'"""\n(.*?)\n"""\n', source, re.DOTALL)
    assert header, f"{path.name} must open with the keras-io header docstring"
    fields = dict(line.split(": ", 1) for line in header.group(1).splitlines())
    assert tuple(fields) == HEADER_FIELDS
    assert fields["Author"] == "keras_embeddings team"
    for date in ("Date created", "Last modified"):
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", fields[date]), fields[date]
    assert fields["Description"].endswith(".")
    assert "# %%" in source
    assert '"""\n## Conclusion\n' in source


def _run(path, tmp_path):
    out, cwd = tmp_path / "out", tmp_path / "cwd"
    cwd.mkdir()
    env = {
        **os.environ,
        "KERAS_EMBEDDINGS_SMOKE": "1",
        "KERAS_EMBEDDINGS_OUT": str(out),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "MPLBACKEND": "Agg",
    }
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    return result, out, cwd


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=_ids)
def test_tutorial_runs(path, tmp_path):
    if path.name in NEEDS_CSC321 and not CSC321.is_dir():
        pytest.skip(
            f"{path.name} needs the CSC321 data at {CSC321} (../shared/ is absent)"
        )
    backend = keras.backend.backend()
    notebook = path.parent / "ipynb" / f"{path.stem}.ipynb"
    if backend != "tensorflow" and notebook.is_file() and _HAS_NBCLIENT:
        pytest.skip(
            f"{notebook.name} (the same cells, checked for the same output by "
            f"tests/test_notebooks.py) runs in a Jupyter kernel in this {backend} "
            "suite; the .py runs in the TensorFlow suite"
        )
    result, out, cwd = _run(path, tmp_path)
    assert result.returncode == 0, (
        f"{path.name} exited with {result.returncode}.\n"
        f"stdout (end):\n{result.stdout[-3000:]}\nstderr (end):\n{result.stderr[-3000:]}"
    )
    for text in EXPECTED_OUTPUT.get(path.name, []):
        assert text in result.stdout, f"{path.name} did not print {text!r}"
    for name in EXPECTED_FILES.get(path.name, []):
        file = out / name
        assert file.is_file() and file.stat().st_size > 0, f"{name} missing in {out}"
    assert not list(cwd.iterdir()), (
        f"{path.name} wrote outside KERAS_EMBEDDINGS_OUT: {list(cwd.iterdir())}"
    )

    if path.name == "08_neural_language_model.py":
        # hw's gradient check: every weight's autodiff gradient agrees.
        checks = re.findall(r"max relative error .*  (OK|FAILED)$", result.stdout, re.M)
        assert checks == ["OK"] * 5, checks

    if path.name == "04_next_token_lstm.py":
        # The projector's rows and words line up, and gensim reads the vectors.
        tensor = (out / "tensorboard/embedding/tensor.tsv").read_text().splitlines()
        words = (out / "tensorboard/embedding/metadata.tsv").read_text().splitlines()
        assert len(tensor) == len(words) > 100
        from gensim.models import KeyedVectors

        vectors = KeyedVectors.load_word2vec_format(str(out / "vectors.txt"))
        assert "government" in vectors.key_to_index
        assert "<unk>" not in vectors.key_to_index
