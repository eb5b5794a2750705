"""What natgrad/figures/adam_diagonal_preconditioning.py draws."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from natgrad.descent import make_optimizer, steepest_descent
from natgrad.objectives import Quadratic, rotated_spd
from tests.helpers.figures import build_figure, line_xy


def test_adam_figure_paths_and_the_diagonal_claim(default_config):
    params, fig, data = build_figure(default_config, "adam_diagonal_preconditioning")
    kappa = params["condition_number"]
    problems = [
        np.array(params["post_A"]),
        rotated_spd([1, kappa], 0),
        rotated_spd([1, kappa], params["rotation_deg"]),
    ]
    top = fig.axes[:3]  # row-major: the top row holds the paths
    for ax, A, drawn in zip(top, problems, data["problems"], strict=True):
        f, n_steps = Quadratic(A), params["n_steps"]
        expected = {
            m: steepest_descent(f.gradient, params["x0"], make_optimizer(m, A), lr, n_steps)
            for m, lr in params["lrs"].items()
        }
        lines = ax.get_lines()
        assert len(lines) == len(expected)
        for line, (method, path) in zip(lines, expected.items(), strict=True):
            assert_allclose(line_xy(line), path)
            assert_allclose(drawn["paths"][method], path)
    aligned, rotated = data["problems"][1]["gaps"], data["problems"][2]["gaps"]
    final = {k: v[-1] for k, v in aligned.items()}
    for m in ("adagrad", "rmsprop", "adam"):
        assert final[m] < final["gd"], (m, final)  # diagonal helps when aligned
    final = {k: v[-1] for k, v in rotated.items()}
    for m in ("adagrad", "rmsprop", "adam", "gd"):
        assert final["mahalanobis"] < 1e-6 * final[m], (m, final)  # only the full metric fixes it
    for m in ("adagrad", "rmsprop", "adam"):
        assert final[m] > final["gd"]  # rotated: the diagonal metric no longer helps


def test_a_gap_that_overflows_is_divergence_and_stop_still_draws(default_config, tmp_path):
    """lr 74 for gradient descent: the iterates stay finite while f(x) overflows to inf
    (found by tests/test_reliability.py's random mutations, which crashed in the log axis)."""
    import warnings

    from natgrad.pipeline.render import FigureError, render

    params = dict(default_config["adam_diagonal_preconditioning"])
    params["lrs"] = dict(params["lrs"], gd=74)
    out = tmp_path / "adam.png"
    with pytest.raises(FigureError) as err:
        render("adam_diagonal_preconditioning", params, [out], tmp_path / "d.json")
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(
        "figure adam_diagonal_preconditioning: setting lrs.gd = 74: steepest descent diverged "
    )
    assert "the objective overflows to inf there" in str(err.value)
    assert not out.exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # matplotlib's log scale near 1e30
        render("adam_diagonal_preconditioning", params, [out], tmp_path / "d.json",
               on_divergence="stop")  # fmt: skip
    assert out.exists()
