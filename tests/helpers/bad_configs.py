"""Bad config values, each with the words its one-line error must contain: the
config tests check them against validation, the reliability tests against the real
Snakemake run."""

import math


def set_key(cfg, path, value):
    node = cfg
    for k in path[:-1]:
        node = node[k]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


DELETE = object()
G = "gd_euclidean_mahalanobis"
E = "equidistant_points"
I = "gaussian_isocontours_fisher"  # noqa: E741
D = "gaussian_data"

BAD = [
    (("equidistant_points", "color"), "2", "not a matplotlib colour"),
    (("gd_euclidean_mahalanobis", "arrow_color"), "Black ", "arrow_color"),
    # (path, value, words the message must contain)
    (("dpi",), "high", "is not of type"),
    (("dpi",), 0, "dpi"),
    (("dpi",), -100, "dpi"),
    (("dpi",), math.inf, "dpi"),
    (("sweep", "batch_size"), 0, "sweep.batch_size"),
    (("sweep", "batch_size"), 2.5, "sweep.batch_size"),
    (("formats",), ["png", "jpg"], "formats[1]"),
    (("formats",), [], "formats"),
    (("formats",), "png", "formats"),
    (("usetex",), "maybe", "usetex"),
    (("output_dir",), "", "output_dir"),
    (("output_dir",), 3, "output_dir"),
    (("n_step",), 10, "n_step"),
    ((D, "n"), 0, "gaussian_data.n"),
    ((D, "n"), 2.5, "gaussian_data.n"),
    ((D, "n"), 2000.0, "gaussian_data.n"),  # JSON Schema's integer would take it
    ((D, "seed"), 0.0, "gaussian_data.seed"),  # numpy's SeedSequence would not
    ((D, "sigma"), 0.0, "gaussian_data.sigma"),
    ((D, "sigma"), -1.0, "gaussian_data.sigma"),
    ((D, "mu"), math.nan, "gaussian_data.mu"),
    ((D, "seed"), -1, "gaussian_data.seed"),
    ((D, "seed"), "zero", "gaussian_data.seed"),
    ((D, "sead"), 1, "sead"),
    ((E, "figsize"), [20, 0], "equidistant_points.figsize[1]"),
    ((E, "figsize"), [20], "equidistant_points.figsize"),
    ((E, "radius"), -1.0, "equidistant_points.radius"),
    ((E, "n_points"), 2, "equidistant_points.n_points"),
    ((E, "limits"), [2.25, -2.25], "min < max"),
    ((E, "limits"), [1.0, 1.0], "min < max"),
    ((E, "alpha"), 1.5, "equidistant_points.alpha"),
    ((E, "linewidth"), 0, "equidistant_points.linewidth"),
    ((E, "panels", 1, "A"), [[1.0, 2.0], [2.0, 1.0]], "positive definite"),
    ((E, "panels", 1, "A"), [[1.0, 0.3], [0.0, 1.0]], "symmetric"),
    ((E, "panels", 1, "A"), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "panels[1].A[0]"),
    ((E, "panels", 1, "A"), [[1.0, 0.0]], "panels[1].A"),
    ((E, "panels", 1, "A"), [[math.nan, 0.0], [0.0, 1.0]], "finite"),
    ((E, "panels", 0, "titel"), "x", "titel"),
    ((E, "panels"), [], "equidistant_points.panels"),
    ((G, "n_steps"), -1, "gd_euclidean_mahalanobis.n_steps"),
    ((G, "n_steps"), 0, "gd_euclidean_mahalanobis.n_steps"),
    ((G, "n_steps"), "ten", "is not of type"),
    ((G, "n_step"), 10, "n_step"),
    ((G, "levels"), 0, "gd_euclidean_mahalanobis.levels"),
    ((G, "levels"), -5, "gd_euclidean_mahalanobis.levels"),
    ((G, "x0"), [1.0, 2.0, 3.0], "gd_euclidean_mahalanobis.x0"),
    ((G, "x0"), [1.0, math.inf], "finite"),
    ((G, "A"), [[1.0, 0.5], [0.5, -1.0]], "positive definite"),
    ((G, "A"), [[0.0, 0.0], [0.0, 0.0]], "positive definite"),
    ((G, "grid_points"), 1, "gd_euclidean_mahalanobis.grid_points"),
    ((G, "head_width"), 0, "gd_euclidean_mahalanobis.head_width"),
    ((G, "panels", 0, "lr"), 0, "panels[0].lr"),
    ((G, "panels", 0, "lr"), -0.5, "panels[0].lr"),
    ((G, "panels", 1, "metric"), "fisher", "panels[1].metric"),
    ((G, "panels", 1, "lr"), "fast", "panels[1].lr"),
    ((G, "limits"), [10.0, -10.0], "min < max"),
    ((I, "mu_range"), [1.0, -1.0], "min < max"),
    ((I, "logsigma_range"), [0.0, 0.0], "min < max"),
    ((I, "levels"), 0, "gaussian_isocontours_fisher.levels"),
    ((I, "grid_points"), 100000, "gaussian_isocontours_fisher.grid_points"),
    ((I, "title"), 5, "gaussian_isocontours_fisher.title"),
    ((I,), "none", "gaussian_isocontours_fisher"),
]
