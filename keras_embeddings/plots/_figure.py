"""Figures drawn without pyplot, and the PNG files they are saved to.

Every plot draws on a `matplotlib.figure.Figure` with its own Agg canvas, so
nothing is registered with pyplot: figures made in a loop are freed like any
object, a headless server needs no display, and a notebook's or a user's
interactive backend is left alone (a notebook still shows a returned figure).
"""

import os

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_embeddings.io_utils import atomic_open

DPI = 100  # a saved PNG is `figsize * DPI` pixels


def new_figure(figsize):
    """A constrained-layout `Figure` of `figsize` inches on an Agg canvas."""
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)  # Attaches itself as `figure.canvas`.
    return figure


def save(figure, path):
    """`figure`, first written to `path` as a PNG (atomically) unless None."""
    if path is not None:
        with atomic_open(os.fspath(path), "wb") as f:
            figure.savefig(f, format="png", dpi=DPI)
    return figure
