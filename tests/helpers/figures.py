"""A figure built as its job builds it, and the drawn data read back."""

import numpy as np


def build_figure(config, name):
    """``(params, figure, data)`` of figure ``name`` built from ``config`` as its job
    would (:meth:`natgrad.pipeline.jobs.FigureJob.build`), in matplotlib's current style."""
    from natgrad.pipeline.jobs import figure_job

    job = figure_job(config, name, figures=(), data=())
    return job.variants[0]["figure"], *job.build()


def line_xy(line):
    """The (x, y) points of a drawn Line2D, shape (n, 2)."""
    return np.column_stack(line.get_data())
