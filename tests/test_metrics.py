import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from natgrad.metrics import (
    Diagonal,
    Euclidean,
    FisherMetric,
    Mahalanobis,
    cholesky_solve,
    metric_from_matrix,
)
from natgrad.objectives import rotated_spd
from tests.helpers import references as R
from tests.helpers.matrices import random_spd


def test_mahalanobis_with_identity_is_euclidean(rng):
    g, x, y = rng.standard_normal((3, 4))
    m, e = Mahalanobis(np.eye(4)), Euclidean(4)
    assert_allclose(m.direction(g), e.direction(g))
    assert_allclose(m.sqdist(x, y), e.sqdist(x, y))
    assert_allclose(e.sqdist(x, y), np.sum((x - y) ** 2))


def test_diagonal_is_elementwise_rescaling(rng):
    scales = rng.uniform(0.1, 10, size=5)
    g = rng.standard_normal(5)
    d = Diagonal(scales)
    assert_allclose(d.direction(g), g / scales)
    assert_allclose(d.direction(g), Mahalanobis(np.diag(scales)).direction(g))
    assert_allclose(d.matrix(), np.diag(scales))


@pytest.mark.parametrize("p", [1, 2, 10, 100, 500])
def test_direction_equals_linalg_solve(rng, p):
    A = random_spd(rng, p)
    g = rng.standard_normal(p)
    expected = np.linalg.solve(A, g)
    # Relative error of a backward-stable solve is bounded by cond(A) * machine epsilon.
    tol = 50 * np.linalg.cond(A) * np.finfo(float).eps
    atol = tol * np.abs(expected).max()
    assert_allclose(Mahalanobis(A).direction(g), expected, rtol=tol, atol=atol)


def test_direction_never_forms_an_inverse(monkeypatch, rng):
    def forbidden(*args, **kwargs):
        raise AssertionError("np.linalg.inv was called")

    monkeypatch.setattr(np.linalg, "inv", forbidden)
    A = random_spd(rng, 3)
    Mahalanobis(A).direction(rng.standard_normal(3))


@pytest.mark.parametrize("damping", [0.0, 1e-3, 1.0, 10.0])
def test_damping_round_trip(rng, damping):
    A = random_spd(rng, 6)
    g = rng.standard_normal(6)
    d = Mahalanobis(A).direction(g, damping=damping)
    # Multiplying back by (A + damping I) must return the gradient.
    assert_allclose((A + damping * np.eye(6)) @ d, g, rtol=1e-10, atol=1e-12)
    assert_allclose(Euclidean(6).direction(g, damping=damping) * (1 + damping), g)
    scales = np.arange(1.0, 7.0)
    assert_allclose(Diagonal(scales).direction(g, damping=damping) * (scales + damping), g)


def test_negative_damping_rejected():
    with pytest.raises(ValueError, match="damping"):
        Euclidean(2).direction([1.0, 2.0], damping=-1.0)


def test_sqdist(rng):
    A = random_spd(rng, 3)
    x, y = rng.standard_normal((2, 3))
    assert_allclose(Mahalanobis(A).sqdist(x, y), (x - y) @ A @ (x - y))
    # broadcasting over a batch of points
    X = rng.standard_normal((7, 3))
    assert_allclose(Mahalanobis(A).sqdist(X, y), [(r - y) @ A @ (r - y) for r in X])


@pytest.mark.parametrize(
    "A",
    [np.eye(2), np.diag([1.0, 0.25]), np.array([[0.625, -0.375], [-0.375, 0.625]])],
)
@pytest.mark.parametrize("radius", [0.5, 1.0, 3.0])
def test_level_set_is_at_the_right_distance(A, radius):
    m = metric_from_matrix(A)
    pts = m.level_set(radius=radius, n_points=64)
    assert pts.shape == (64, 2)
    assert_allclose(m.sqdist(pts, np.zeros(2)), radius**2, rtol=1e-12)
    assert_allclose(pts[0], pts[-1], atol=1e-12)  # closed curve


def test_level_set_shapes_of_the_post():
    # diag(1, 1/4): semi-axes 1 (x) and 2 (y)
    pts = Diagonal([1.0, 0.25]).level_set(n_points=4001)
    assert_allclose(np.abs(pts).max(axis=0), [1.0, 2.0], rtol=1e-6)
    # [[5/8, -3/8], [-3/8, 5/8]]: eigenvalues 1/4 along (1, 1) and 1 along (1, -1)
    pts = Mahalanobis([[0.625, -0.375], [-0.375, 0.625]]).level_set(n_points=4001)
    r = np.hypot(*pts.T)
    far = pts[np.argmax(r)]
    assert_allclose(r.max(), 2.0, rtol=1e-6)
    assert_allclose(abs(far[0]), abs(far[1]), rtol=1e-3)
    assert far[0] * far[1] > 0  # along y = x
    assert_allclose(r.min(), 1.0, rtol=1e-6)


def test_level_set_around_a_center_with_point_dependent_metric():
    m = FisherMetric(lambda x: np.diag([np.exp(-2 * x[1]), 2.0]))
    c = np.array([0.3, -1.0])
    pts = m.level_set(radius=0.1, n_points=50, center=c)
    G = m.matrix(c)
    assert_allclose(np.einsum("ni,ij,nj->n", pts - c, G, pts - c), 0.01, rtol=1e-12)


def test_euclidean_without_a_dim_serves_any_dimension(rng):
    """Issue 23: Euclidean() refused a 3-vector; without a dim it is the identity of any size."""
    e = Euclidean()
    assert e.dim is None
    for p in (1, 3, 7):
        g, x, y = rng.standard_normal((3, p))
        assert_allclose(e.direction(g), g, rtol=0)
        assert_allclose(e.direction(g, damping=1.0), g / 2, rtol=0)
        assert e.sqdist(x, y) == Euclidean(p).sqdist(x, y)
        assert_allclose(e.sqdist(x, y), np.sum((x - y) ** 2), rtol=1e-14)
        assert np.array_equal(e.matrix(x), np.eye(p))
    # broadcast over leading axes, as every metric's sqdist
    xs = rng.standard_normal((4, 3))
    assert_allclose(e.sqdist(xs, np.zeros(3)), np.sum(xs**2, axis=1), rtol=1e-14)
    # its circle is the plane's, as Euclidean(2)'s
    assert np.array_equal(e.level_set(n_points=9), Euclidean(2).level_set(n_points=9))
    c = np.array([1.0, -2.0])
    assert np.array_equal(e.level_set(center=c), Euclidean(2).level_set(center=c))


def test_a_metric_built_with_a_dim_checks_it(rng):
    g3 = rng.standard_normal(3)
    assert_allclose(Euclidean(3).direction(g3), g3, rtol=0)
    with pytest.raises(ValueError, match=r"shape \(3,\); the metric is 2-dimensional"):
        Euclidean(2).direction(g3)
    with pytest.raises(ValueError, match=r"shape \(2,\); the metric is 3-dimensional"):
        Euclidean(3).sqdist(g3[:2], np.zeros(2))
    # a constant metric's tensor does not depend on the point: Euclidean(2) ignores it
    assert np.array_equal(Euclidean(2).matrix(g3), np.eye(2))
    fisher = FisherMetric(lambda p: np.diag(1.0 + p**2), dim=3)
    assert_allclose(fisher.matrix(g3), np.diag(1.0 + g3**2), rtol=0)
    assert_allclose(fisher.direction(g3, g3), g3 / (1.0 + g3**2), rtol=1e-15)
    with pytest.raises(ValueError, match=r"the point has shape \(2,\); the metric is 3-dim"):
        fisher.direction(g3[:2], g3[:2])
    # without a dim, FisherMetric evaluates its tensor wherever it is asked
    free = FisherMetric(lambda p: np.diag(1.0 + p**2))
    assert free.dim is None
    assert_allclose(free.direction(g3, g3), g3 / (1.0 + g3**2), rtol=1e-15)


def test_level_set_needs_two_dimensions():
    with pytest.raises(ValueError, match="2-dimensional"):
        Euclidean(3).level_set()


def test_metric_from_matrix_picks_the_simplest():
    assert isinstance(metric_from_matrix(np.eye(2)), Euclidean)
    # of the matrix's dimension, which it then checks (the figures read its matrix())
    assert metric_from_matrix(np.eye(3)) == Euclidean(3)
    assert isinstance(metric_from_matrix(np.diag([1.0, 4.0])), Diagonal)
    assert isinstance(metric_from_matrix([[2.0, 1.0], [1.0, 2.0]]), Mahalanobis)


@pytest.mark.parametrize(
    "A, message",
    [
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "square"),
        ([1.0, 2.0], "square"),
        ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([[1.0, 2.0], [2.0, 1.0]], "positive definite"),
        ([[0.0, 0.0], [0.0, 0.0]], "positive definite"),
        ([[np.nan, 0.0], [0.0, 1.0]], "finite"),
        ([[np.inf, 0.0], [0.0, 1.0]], "finite"),
        ([["a", "b"], ["c", "d"]], "numeric"),
    ],
)
def test_mahalanobis_rejects_bad_matrices(A, message):
    with pytest.raises(ValueError, match=message):
        Mahalanobis(A)


def test_symmetry_tolerance_is_relative():
    big = 1e8
    # asymmetry far below the stated relative tolerance is accepted
    Mahalanobis([[big, 1.0], [1.0 + 1e-4, big]])
    with pytest.raises(ValueError, match="symmetric"):
        Mahalanobis([[1.0, 0.1], [0.1 + 1e-6, 1.0]])


@pytest.mark.parametrize(
    "scales, message",
    [
        ([1.0, 0.0], "positive"),
        ([1.0, -2.0], "positive"),
        ([1.0, np.inf], "finite"),
        ([np.nan], "finite"),
        ([], "non-empty"),
        ([[1.0]], "vector"),
    ],
)
def test_diagonal_rejects_bad_scales(scales, message):
    with pytest.raises(ValueError, match=message):
        Diagonal(scales)


def test_metrics_are_immutable():
    m = Mahalanobis([[2.0, 0.0], [0.0, 1.0]])
    with pytest.raises((AttributeError, TypeError)):
        m.A = np.eye(2)
    with pytest.raises(ValueError):
        m.A[0, 0] = 5.0  # read-only array
    d = Diagonal([1.0, 2.0])
    with pytest.raises(ValueError):
        d.scales[0] = 3.0


def test_cholesky_solve_rejects_indefinite():
    with pytest.raises(ValueError, match="positive definite"):
        cholesky_solve([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0])


@pytest.mark.parametrize("p", [2, 3, 6])
@pytest.mark.parametrize("cond", [1e1, 1e6, 1e12])
def test_cholesky_solve_is_as_accurate_as_the_conditioning_allows(rng, p, cond):
    """Against the exact solution for the same doubles (50 digits). Solving by Cholesky
    is backward stable: (G + dG) x = b with ||dG|| <= p (3p + 1) u ||G|| (Higham,
    *Accuracy and Stability*, Thm 10.4 with ||(|R^T||R|)|| <= p ||G||), so the relative
    error is at most k e / (1 - k e), k the condition number, e that factor."""
    G = random_spd(rng, p, cond)
    B = rng.standard_normal((p, 2))
    got = cholesky_solve(G, B)
    assert got.shape == (p, 2)
    kappa = np.linalg.cond(G)
    e = p * (3 * p + 1) * R.EPS / 2
    with R.mp.workdps(R.DIGITS):
        Gm = R.mp.matrix(G.tolist())
        for j in range(2):
            exact = np.array(R.mp.lu_solve(Gm, R.mp.matrix(B[:, j].tolist())).tolist(), float)
            for x in (got[:, j], cholesky_solve(G, B[:, j])):  # a column, and a vector
                error = np.linalg.norm(x - exact[:, 0]) / np.linalg.norm(exact)
                assert error <= kappa * e / (1 - kappa * e)


def test_fisher_metric_needs_a_point():
    with pytest.raises(ValueError, match="point"):
        FisherMetric(lambda x: np.eye(2)).matrix()


def test_sqdist_is_a_squared_distance(rng):
    """ERRATA E19: D = (x - x')^T A (x - x') is the *squared* Mahalanobis distance. Along a
    line it grows quadratically and breaks the triangle inequality; its square root obeys it."""
    A = random_spd(rng, 3)
    m = Mahalanobis(A)
    x, u = rng.standard_normal((2, 3))
    y, z = x + u, x + 2 * u
    # D(x, z) = 4 D(x, y) = 2 (D(x, y) + D(y, z)) > D(x, y) + D(y, z)
    assert_allclose(m.sqdist(x, z), 2 * (m.sqdist(x, y) + m.sqdist(y, z)), rtol=1e-12)
    pts = rng.standard_normal((200, 3, 3))
    d = lambda a, b: np.sqrt(m.sqdist(a, b))  # noqa: E731
    a, b, c = pts[:, 0], pts[:, 1], pts[:, 2]
    assert np.all(d(a, c) <= (d(a, b) + d(b, c)) * (1 + 1e-12))


@settings(max_examples=R.examples(150), deadline=None, derandomize=True)
@given(
    log_scales=st.lists(st.floats(-12, 12), min_size=1, max_size=5),
    grad=st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5),
    log_eigs=st.tuples(st.floats(-6, 6), st.floats(-6, 6)),
    angle=st.floats(0, 180),
)
def test_directions_are_accurate(log_scales, grad, log_eigs, angle):
    """Against 50-digit solves: a diagonal metric's direction to a few ulps per entry; a full
    metric's to its condition number times a few ulps (a backward-stable Cholesky solve:
    no algorithm on the rounded matrix promises more), and its sqdist to 1e-12."""
    scales = 10.0 ** np.array(log_scales)
    g = np.array(grad[: scales.size])
    got = Diagonal(scales).direction(g)
    assert_allclose(got, g / scales, rtol=4 * R.EPS, atol=0)
    G = rotated_spd(10.0 ** np.array(log_eigs), angle)
    g2 = np.array(grad[:2])
    d = Mahalanobis(G).direction(g2)
    with R.mp.workdps(R.DIGITS):
        ref = R.mp.lu_solve(R.mp.matrix(G.tolist()), R.mp.matrix(g2.tolist()))
        ref = np.array([float(v) for v in ref])
    cond = np.linalg.cond(G)
    assert np.linalg.norm(d - ref) <= R.ULPS * R.EPS * cond * np.linalg.norm(ref) + 1e-300
    x = g2 / 7.0
    with R.mp.workdps(R.DIGITS):
        xm, Gm = R.mp.matrix(x.tolist()), R.mp.matrix(G.tolist())
        sq, scale = (
            (xm.T * Gm * xm)[0],
            sum(abs(G[i, j] * x[i] * x[j]) for i in range(2) for j in range(2)),
        )
    assert R.close(Mahalanobis(G).sqdist(x, np.zeros(2)), sq, scale)


def test_point_dependent_sqdist_evaluates_the_tensor_at_the_second_point():
    """sqdist(x, y) = (x - y)^T G(y) (x - y): G at y, the centre, not at x or the origin."""
    m = FisherMetric(lambda p: np.diag([1.0 + p[0] ** 2, 2.0 + p[1] ** 2]))
    x, y = np.array([3.0, -1.0]), np.array([0.5, 2.0])
    d = x - y
    assert m.sqdist(x, y) == pytest.approx(d @ np.diag([1.25, 6.0]) @ d, rel=1e-15)
    assert m.sqdist(y, x) == pytest.approx(d @ np.diag([10.0, 3.0]) @ d, rel=1e-15)


def test_float32_inputs_give_float64_results():
    g, x = np.float32([1.5, -2.25]), np.float32([0.3, 0.7])
    g64, x64 = g.astype(float), x.astype(float)
    A = rotated_spd([1.0, 3.0], 30.0)
    fisher = FisherMetric(lambda p: np.diag(1.0 + np.asarray(p) ** 2).astype(np.float32))
    for m in (
        Euclidean(2),
        Diagonal(np.float32([2.0, 0.5])),
        Mahalanobis(A.astype(np.float32)),
        fisher,
    ):
        m64 = (
            m
            if isinstance(m, FisherMetric | Euclidean)
            else type(m)(np.asarray(getattr(m, "scales", getattr(m, "A", None))).astype(float))
        )
        R.float64_like(m.direction(g, x), m64.direction(g64, x64))
        R.float64_like(m.sqdist(g, x), m64.sqdist(g64, x64))
        R.float64_like(m.level_set(center=x), m64.level_set(center=x64))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: Mahalanobis([[1.0, 2.0], [2.0, 1.0]]),
            "A must be positive definite, smallest eigenvalue is -1",
        ),
        (
            lambda: Mahalanobis([[1.0, 0.0], [2e-10, 1.0]]),
            "A must be symmetric (within relative tolerance 1e-10)",
        ),
        (
            lambda: metric_from_matrix([[1.0, 2.0], [2.0, 1.0]]),
            "A must be positive definite, smallest eigenvalue is -1",
        ),
        (
            lambda: FisherMetric(lambda p: np.eye(2)).matrix(),
            "FisherMetric.matrix needs the point x: the tensor depends on it",
        ),
        (
            lambda: Diagonal(["a", 1.0]),
            "scales must be numeric: could not convert string to float: 'a'",
        ),
        (lambda: Diagonal([np.inf, 1.0]), "scales must be finite, got non-finite entries"),
        (lambda: Euclidean(0), "dim must be a positive integer, got 0"),
        (lambda: FisherMetric(np.diag, dim=0), "dim must be a positive integer, got 0"),
        (lambda: FisherMetric(np.diag, dim=2.5), "dim must be a positive integer, got 2.5"),
        (
            lambda: FisherMetric(np.diag, dim=2).matrix([1.0, 2.0, 3.0]),
            "the point has shape (3,); the metric is 2-dimensional",
        ),
        (
            lambda: Euclidean().matrix(),
            "Euclidean() without dim needs the point x: its size is the matrix's",
        ),
        (
            lambda: Euclidean().matrix([[1.0, 2.0]]),
            "the point has shape (1, 2); it must be a non-empty vector",
        ),
        (
            lambda: Euclidean().direction(np.ones((3, 2))),
            "the gradient has shape (3, 2); it must be a non-empty vector",
        ),
        (
            lambda: Euclidean().direction([]),
            "the gradient has shape (0,); it must be a non-empty vector",
        ),
        (
            lambda: Euclidean().direction(1.0),
            "the gradient has shape (); it must be a non-empty vector",
        ),
        (
            lambda: Euclidean().sqdist(1.0, 2.0),
            "the difference has shape (); it must be a non-empty vector",
        ),
        (
            lambda: Euclidean(2).sqdist([1.0, 2.0, 3.0], np.zeros(3)),
            "the difference has shape (3,); the metric is 2-dimensional",
        ),
        (
            lambda: Euclidean(2).sqdist(np.ones((4, 3)), np.zeros(3)),
            "the difference has shape (3,); the metric is 2-dimensional",
        ),
        (
            lambda: Euclidean(3).level_set(),
            "level_set needs a 2-dimensional metric, got shape (3, 3)",
        ),
        (
            lambda: Euclidean().level_set(center=[0.0, 0.0, 0.0]),
            "level_set needs a 2-dimensional metric, got shape (3, 3)",
        ),
        (lambda: Euclidean(1.5), "dim must be a positive integer, got 1.5"),
        (lambda: Euclidean(2).level_set(radius=0.0), "radius must be positive and finite, got 0.0"),
        (
            lambda: Euclidean(2).level_set(radius=np.inf),
            "radius must be positive and finite, got inf",
        ),
        (lambda: Euclidean(2).level_set(n_points=2), "n_points must be an integer >= 3, got 2"),
        (lambda: Euclidean(2).level_set(n_points=3.5), "n_points must be an integer >= 3, got 3.5"),
        (
            lambda: cholesky_solve([[np.nan, 0.0], [0.0, 1.0]], [1.0, 1.0]),
            "metric tensor and gradient must be finite",
        ),
        (
            lambda: cholesky_solve(np.eye(2), [1.0, 2.0, 3.0]),
            "cannot solve: metric tensor of shape (2, 2), right-hand side of shape (3,)",
        ),
        (
            lambda: cholesky_solve(np.ones((2, 3)), [1.0, 2.0]),
            "cannot solve: metric tensor of shape (2, 3), right-hand side of shape (2,)",
        ),
        (
            lambda: cholesky_solve(np.eye(2), 1.0),
            "cannot solve: metric tensor of shape (2, 2), right-hand side of shape ()",
        ),
        (
            lambda: cholesky_solve(np.eye(2), [1.0, np.inf]),
            "metric tensor and gradient must be finite",
        ),
        (
            lambda: cholesky_solve([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0]),
            "metric tensor is not positive definite; add damping",
        ),
        (
            lambda: Euclidean(2).direction([1.0, 2.0, 3.0]),
            "the gradient has shape (3,); the metric is 2-dimensional",
        ),
        (
            lambda: Mahalanobis([[2.0, 0.5], [0.5, 1.0]]).direction([1.0, 2.0, 3.0]),
            "the gradient has shape (3,); the metric is 2-dimensional",
        ),
        (
            lambda: FisherMetric(lambda x: np.eye(2)).direction([[1.0, 2.0]], np.zeros(2)),
            "the gradient has shape (1, 2); the metric is 2-dimensional",
        ),
        (
            # one scale would broadcast over both coordinates: refused, not spread
            lambda: Diagonal([2.0]).direction([1.0, 2.0]),
            "the gradient has shape (2,); the metric is 1-dimensional",
        ),
    ],
)
def test_messages_in_full(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


def test_edges_that_are_inside():
    """Symmetry off by exactly the tolerance, the smallest dimension and point count, a
    tiny radius: accepted."""
    Mahalanobis([[1.0, 0.0], [1e-10, 1.0]])
    assert Euclidean(1).direction([3.0]) == 3.0
    pts = Euclidean(2).level_set(radius=1e-300, n_points=3)
    assert pts.shape == (3, 2) and np.all(np.isfinite(pts))
    assert len(Euclidean(2).level_set()) == 201  # the documented default
    # the centre shifts the circle; the radius scales it
    c = np.array([2.0, -1.0])
    assert_allclose(
        Diagonal([4.0, 1.0]).level_set(radius=2.0, n_points=5, center=c),
        c + 2.0 * Diagonal([4.0, 1.0]).level_set(n_points=5),
        atol=1e-15,
    )
    # lower or upper Cholesky factor: the same solution
    G = np.array([[4.0, 1.0], [1.0, 3.0]])
    assert_allclose(cholesky_solve(G, [1.0, 2.0]), np.linalg.solve(G, [1.0, 2.0]), rtol=1e-15)


def test_the_smallest_dimension_is_one():
    assert Euclidean(1).direction([3.0]) == 3.0
    assert FisherMetric(lambda p: 2.0 + p[None, :] ** 2, dim=1).matrix([3.0]) == 11.0


def test_fisher_metric_passes_float_points_and_returns_a_float_tensor():
    seen = []
    m = FisherMetric(lambda x: seen.append(x.dtype) or [[2, 0], [0, 1]])
    G = m.matrix([1, 2])
    assert seen == [np.float64]
    assert G.dtype == np.float64
    assert_allclose(G, [[2.0, 0.0], [0.0, 1.0]], rtol=0)


def test_cholesky_solve_works_in_double_precision_whatever_it_is_given():
    G = np.array([[4.0, 1.0], [1.0, 3.0 + 1e-9]])
    b = np.array([1.0, 2.0])
    want = np.linalg.solve(G.astype(np.float32).astype(float), b)
    got = cholesky_solve(G.astype(np.float32), b.astype(np.float32))
    assert got.dtype == np.float64
    assert_allclose(got, want, rtol=1e-14)  # float32 arithmetic would give ~1e-7
    assert_allclose(cholesky_solve([[2, 0], [0, 4]], [1, 1]), [0.5, 0.25], rtol=1e-15)  # sqrt(2)^2


def test_metric_parameters_are_stored_as_floats():
    assert Diagonal([1, 2]).scales.dtype == np.float64
    assert Mahalanobis([[2, 0], [0, 1]]).A.dtype == np.float64


def test_a_direction_is_of_one_gradient_vector():
    """(p,) in, (p,) out, as Metric.direction documents: a batch is refused, not broadcast."""
    for m in (Euclidean(2), Diagonal([1.0, 2.0])):
        assert m.direction([1.0, 2.0]).shape == (2,)
        with pytest.raises(ValueError, match=r"the gradient has shape \(3, 2\)"):
            m.direction(np.ones((3, 2)))
