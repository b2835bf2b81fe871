"""Plots of training, of embeddings and of neurons.

`plot_history` draws a Keras `History` (loss and every metric, each with its
`val_` twin) and `plot_dimension_sweep` final losses against the embedding
dimension (`training`); `plot_embedding_2d` projects word vectors to two
dimensions with PCA or t-SNE, labels a chosen subset of the points without
overlaps and colours word groups (`embeddings`);
`plot_similarity_heatmap` shows the cosine similarities of chosen words
(`similarity`); `plot_neuron_outputs` draws what each neuron of a layer
outputs over a grid of inputs (`neurons`).

Every plot takes its data first and returns the `matplotlib.figure.Figure` it
drew, which a notebook displays; given a `path` it also saves the figure
there as a PNG, written atomically. Figures are drawn on their own Agg canvas,
never through pyplot, so they work on a headless server, are freed like any
object when a loop drops them, and leave a notebook's or a user's interactive
backend alone. Seaborn's styles apply only inside the functions.

Taught in `tutorials/04_next_token_lstm.py` (history, maps, similarity),
`tutorials/07_glove.py` (dimension sweep) and
`tutorials/02_neuron_to_layer.py` (neuron outputs).

Example:

```python
>>> import numpy as np
>>> from keras_embeddings import plots
>>> figure = plots.plot_history({"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.6]})
>>> [line.get_label() for line in figure.axes[0].get_lines()]
['training', 'validation']
>>> rng = np.random.default_rng(0)
>>> word_vectors = {w: rng.normal(size=8) for w in ["king", "queen", "man", "woman"]}
>>> figure = plots.plot_embedding_2d(word_vectors, "map.png")
>>> figure.axes[0].collections[0].get_offsets().shape
(4, 2)
>>> figure = plots.plot_similarity_heatmap(word_vectors, ["king", "queen"])
>>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
['king', 'queen']
```
"""

from keras_embeddings.plots.embeddings import plot_embedding_2d, project_2d
from keras_embeddings.plots.neurons import NeuronOutputs, plot_neuron_outputs
from keras_embeddings.plots.similarity import plot_similarity_heatmap
from keras_embeddings.plots.training import plot_dimension_sweep, plot_history

__all__ = [
    "NeuronOutputs",
    "plot_dimension_sweep",
    "plot_embedding_2d",
    "plot_history",
    "plot_neuron_outputs",
    "plot_similarity_heatmap",
    "project_2d",
]
