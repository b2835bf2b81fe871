"""`python -m keras_embeddings` runs the `keras-embeddings` command."""

from keras_embeddings.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
