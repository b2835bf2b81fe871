"""keras_embeddings: word embeddings with Keras 3, lab by lab.

Submodules: `text`, `datasets`, `layers`, `models`, `callbacks`, `export`,
`analysis`, `plots`, `gradcheck`. Import them directly, e.g. `from keras_embeddings import text`.
"""

__version__ = "0.1.0"
