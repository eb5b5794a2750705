import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from natgrad.descent import (
    AdaGrad,
    Adam,
    DivergenceError,
    RMSProp,
    iterations_to_tolerance,
    make_optimizer,
    steepest_descent,
)
from natgrad.metrics import Diagonal, Euclidean, FisherMetric, Mahalanobis
from natgrad.objectives import Quadratic, rotated_spd
from tests.helpers import references as R

A_POST = np.array([[1.0, -0.5], [-0.5, 1.0]])


def test_shape_and_start():
    f = Quadratic(A_POST)
    path = steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 0.5, 10)
    assert path.shape == (11, 2)
    assert_allclose(path[0], [8.0, 3.0])


def test_matches_the_drafts_loops():
    """The post's figure: the draft's own loops, written out independently."""
    fgrad = lambda x: np.array([2 * x[0] - x[1], 2 * x[1] - x[0]])  # noqa: E731
    f = Quadratic(A_POST)
    x = np.array([8.0, 3.0])
    gd = [x.copy()]
    for _ in range(10):
        x = x - 0.5 * fgrad(x)
        gd.append(x.copy())
    assert_allclose(steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 0.5, 10), gd)
    x = np.array([8.0, 3.0])
    nat = [x.copy()]
    for _ in range(10):
        x = x - 0.3 * np.linalg.solve(A_POST, fgrad(x))
        nat.append(x.copy())
    path = steepest_descent(f.gradient, [8.0, 3.0], Mahalanobis(A_POST), 0.3, 10)
    assert_allclose(path, nat, rtol=1e-12, atol=1e-14)


def test_mahalanobis_path_is_straight_and_gd_zigzags():
    f = Quadratic(A_POST)
    nat = steepest_descent(f.gradient, [8.0, 3.0], Mahalanobis(A_POST), 0.3, 10)
    # x_{t+1} = (1 - 2 * 0.3) x_t: every iterate on the ray through x0
    cross = nat[:, 0] * 3.0 - nat[:, 1] * 8.0
    assert_allclose(cross, 0.0, atol=1e-12)
    gd = steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 0.5, 10)
    steps = np.diff(gd, axis=0)
    # every step turns back against the previous one (obtuse angle): a zig-zag
    norms = np.linalg.norm(steps, axis=1)
    cos = np.sum(steps[1:] * steps[:-1], axis=1) / (norms[1:] * norms[:-1])
    assert np.all(cos < -0.25)


def test_identity_metric_reduces_to_gradient_descent(rng):
    f = Quadratic(rotated_spd([1.0, 5.0], 30.0))
    x0 = rng.standard_normal(2)
    gd = steepest_descent(f.gradient, x0, Euclidean(), 0.05, 20)
    assert_allclose(steepest_descent(f.gradient, x0, Mahalanobis(np.eye(2)), 0.05, 20), gd)
    # and by hand, iterate for iterate (the claims table's C4), under every identity metric
    x, loop = x0.copy(), [x0.copy()]
    for _ in range(20):
        x = x - 0.05 * f.gradient(x)
        loop.append(x)
    assert_allclose(gd[-1], x)
    for metric in (Euclidean(), Mahalanobis(np.eye(2)), Diagonal(np.ones(2))):
        assert_allclose(steepest_descent(f.gradient, x0, metric, 0.05, 20), loop, atol=1e-15)


def test_divergence_raises_with_a_clear_message():
    f = Quadratic(A_POST)
    with pytest.raises(DivergenceError, match=r"diverged at step \d+ .*lr=1e\+200"):
        steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 1e200, 50)


def test_divergence_stop_returns_only_finite_iterates():
    f = Quadratic(A_POST)
    path = steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 1e200, 50, on_divergence="stop")
    assert 1 <= len(path) < 51
    assert np.all(np.isfinite(path))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"lr": np.nan}, "lr"),
        ({"n_steps": -1}, "n_steps"),
        ({"n_steps": 2.5}, "n_steps"),
        ({"x0": [np.nan, 0.0]}, "x0"),
        ({"on_divergence": "ignore"}, "on_divergence"),
    ],
)
def test_invalid_arguments(kwargs, message):
    f = Quadratic(A_POST)
    args = {
        "grad_fn": f.gradient,
        "x0": [1.0, 1.0],
        "metric": Euclidean(),
        "lr": 0.1,
        "n_steps": 3,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        steepest_descent(**args)


def by_hand(optimizer, grad_fn, x0, lr, n):
    """Independent, textbook implementations of the three adaptive methods."""
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    out = [x.copy()]
    for t in range(1, n + 1):
        g = grad_fn(x)
        if optimizer == "adagrad":
            v = v + g * g
            x = x - lr * g / (np.sqrt(v) + 1e-8)
        elif optimizer == "rmsprop":
            v = 0.9 * v + 0.1 * g * g
            x = x - lr * g / (np.sqrt(v) + 1e-8)
        else:
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            x = x - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        out.append(x.copy())
    return np.array(out)


@pytest.mark.parametrize(
    "name, optimizer", [("adagrad", AdaGrad()), ("rmsprop", RMSProp()), ("adam", Adam())]
)
def test_adaptive_methods_match_textbook(name, optimizer):
    f = Quadratic(rotated_spd([1.0, 20.0], 20.0))
    path = steepest_descent(f.gradient, [3.0, -2.0], optimizer, 0.1, 25)
    assert_allclose(path, by_hand(name, f.gradient, [3.0, -2.0], 0.1, 25), rtol=1e-12)


def test_adaptive_state_is_explicit_and_pure():
    opt = AdaGrad()
    s0 = opt.init(np.zeros(2))
    d1, s1 = opt.update(np.array([1.0, 2.0]), s0)
    assert_allclose(s0.second_moment, 0.0)  # the old state is untouched
    d2, _ = opt.update(np.array([1.0, 2.0]), s0)
    assert_allclose(d1, d2)  # same state and gradient, same direction
    assert isinstance(opt.metric(s1), Diagonal)


def test_diagonal_methods_are_invariant_to_axis_scaling():
    """On an axis-aligned quadratic, AdaGrad's first step has the same size on every axis."""
    f = Quadratic(np.diag([1.0, 100.0]))
    path = steepest_descent(f.gradient, [1.0, 1.0], AdaGrad(), 0.1, 1)
    assert_allclose(np.abs(path[1] - path[0]), [0.1, 0.1], rtol=1e-6)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: AdaGrad(eps=0.0), "eps"),
        (lambda: RMSProp(decay=1.0), "decay"),
        (lambda: Adam(b1=-0.1), "b1"),
        (lambda: Adam(b2=1.5), "b2"),
    ],
)
def test_adaptive_reject_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_iterations_to_tolerance():
    assert iterations_to_tolerance([5.0, 1.0, 1e-5, 1e-6], 1e-4) == 2
    assert iterations_to_tolerance([5.0, 1.0], 1e-4) is None


def test_optimizer_names_are_checked():
    assert isinstance(make_optimizer("adam"), Adam)
    with pytest.raises(ValueError, match="method"):
        make_optimizer("sgd")


def test_only_divergence_is_reported_as_divergence():
    """A shape error or a singular metric is not a step size problem: its own error stands."""
    f = Quadratic([[1.0, 0.0], [0.0, 2.0]])
    for metric in (Euclidean(), Euclidean(2), AdaGrad()):
        for wrong in (np.ones(3), np.ones(1)):
            with pytest.raises(ValueError) as err:
                steepest_descent(lambda x, g=wrong: g, [1.0, 1.0], metric, 0.1, 3)
            assert not isinstance(err.value, DivergenceError)
            want = f"the gradient has shape {wrong.shape}; the iterate has shape (2,)"
            assert str(err.value) == want
    singular = FisherMetric(lambda x: np.zeros((2, 2)))
    with pytest.raises(ValueError, match="not positive definite") as err:
        steepest_descent(f.gradient, [1.0, 1.0], singular, 0.1, 3)
    assert not isinstance(err.value, DivergenceError)


def test_a_step_to_where_the_metric_is_singular_is_divergence():
    """Singular at the start, the metric's own error stands (above); reached by a step,
    the step was too large: divergence at that step, the iterate not on the path. (The
    MLE figure at lr_natural 61 sent log sigma so high that the Fisher metric's
    1/sigma^2 underflowed: a ValueError traceback, found by test_reliability.)"""
    from natgrad.errors import SingularMetricError

    f = Quadratic([[1.0, 0.0], [0.0, 2.0]])
    # positive definite right of x = 0.5 only; from (1, 1) a step of lr 1 lands at (0, -1)
    metric = FisherMetric(lambda x: np.eye(2) if x[0] > 0.5 else np.zeros((2, 2)))
    with pytest.raises(SingularMetricError):
        steepest_descent(f.gradient, [0.0, 1.0], metric, 1.0, 3)
    with pytest.raises(DivergenceError) as err:
        steepest_descent(f.gradient, [1.0, 1.0], metric, 1.0, 3)
    assert str(err.value) == (
        "steepest descent diverged at step 1 of 3 (lr=1): the metric is not positive "
        "definite at the iterate; lower the learning rate"
    )
    stopped = steepest_descent(f.gradient, [1.0, 1.0], metric, 1.0, 3, on_divergence="stop")
    assert_array_equal(stopped, [[1.0, 1.0]])


def test_divergence_carries_the_numbers():
    f = Quadratic([[1.0, 0.0], [0.0, 2.0]])
    with pytest.raises(DivergenceError) as err:
        steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 1e200, 50)
    assert err.value.lr == 1e200 and err.value.n_steps == 50 and 1 <= err.value.step <= 50
    assert "config" not in str(err.value) and "setting" not in str(err.value)


def reference_adam(grads, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba (2015), Algorithm 1, as printed: the steps for a fixed gradient sequence."""
    m = v = 0.0
    steps = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        steps.append(lr * m_hat / (np.sqrt(v_hat) + eps))
    return np.array(steps)


def reference_rmsprop(grads, lr, decay=0.9, eps=1e-8):
    """PyTorch's RMSprop (alpha = decay, no momentum, not centred): eps outside the root."""
    v, steps = 0.0, []
    for g in grads:
        v = decay * v + (1 - decay) * g * g
        steps.append(lr * g / (np.sqrt(v) + eps))
    return np.array(steps)


def reference_adagrad(grads, lr, eps=1e-8):
    """Duchi et al. (2011), diagonal: the sum starts at 0 and includes the current gradient."""
    s, steps = 0.0, []
    for g in grads:
        s += g * g
        steps.append(lr * g / (np.sqrt(s) + eps))
    return np.array(steps)


@pytest.mark.parametrize(
    "optimizer, reference",
    [(Adam(), reference_adam), (RMSProp(), reference_rmsprop), (AdaGrad(), reference_adagrad)],
    ids=["adam", "rmsprop", "adagrad"],
)
def test_adaptive_steps_follow_their_references(rng, optimizer, reference):
    """A gradient sequence fed through init/update gives the reference's steps, per coordinate."""
    grads = rng.standard_normal((40, 2)) * np.array([1e-3, 50.0])
    state = optimizer.init(np.zeros(2))
    steps = []
    for g in grads:
        d, state = optimizer.update(g, state)
        steps.append(0.1 * d)
    for i in range(2):
        assert_allclose(np.array(steps)[:, i], reference(grads[:, i], 0.1), rtol=1e-13)


def test_adam_metric_before_any_gradient_is_eps():
    adam = Adam(eps=1e-6)
    state = adam.init(np.zeros(3))
    assert_allclose(adam.metric(state).matrix(), 1e-6 * np.eye(3))


def test_damping_is_refused_for_adaptive_preconditioners():
    f = Quadratic(A_POST)
    with pytest.raises(ValueError, match="damping=1000000.0 applies to a metric's tensor"):
        steepest_descent(f.gradient, [8.0, 3.0], Adam(), 0.1, 5, damping=1e6)
    # a metric takes it
    path = steepest_descent(f.gradient, [8.0, 3.0], Mahalanobis(A_POST), 0.1, 5, damping=1e-3)
    assert path.shape == (6, 2)


def _penalised_gradient(g, x_t, penalty, x, h=1e-3):
    """Central differences of x -> g^T (x - x_t) + penalty ||x - x_t||^2 at x.

    The function is quadratic, so the differences are exact up to rounding."""

    def q(y):
        return g @ (y - x_t) + penalty * np.sum((y - x_t) ** 2)

    return np.array([(q(x + h * e) - q(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("lr", [0.1, 0.5, 2.0])
def test_learning_rate_is_the_inverse_of_the_penalty_scale(rng, lr):
    """ERRATA E16: penalising gamma/2 ||x - x_t||^2 gives the step 1/gamma, not gamma;
    the gradient-descent step x_t - gamma grad f minimises the linear model plus
    1/(2 gamma) ||x - x_t||^2."""
    g, x_t = rng.standard_normal(3), rng.standard_normal(3)
    step = steepest_descent(lambda x: g, x_t, Euclidean(3), lr, 1)[1]
    assert_allclose(step, x_t - lr * g, rtol=0, atol=1e-15)
    # rounding of the differences: ~eps |q| / h with |q| ~ 10 -> 1e-12
    assert_allclose(_penalised_gradient(g, x_t, 1 / (2 * lr), step), 0.0, atol=1e-10)
    drafts = _penalised_gradient(g, x_t, lr / 2, step)
    assert np.linalg.norm(drafts) > 0.1 * np.linalg.norm(g)
    # the draft's penalty is stationary at x_t - grad f / gamma instead
    assert_allclose(_penalised_gradient(g, x_t, lr / 2, x_t - g / lr), 0.0, atol=1e-10)


def test_edges_of_the_arguments_are_accepted():
    """0 steps returns x0 alone; decay rates of exactly 0 are allowed (no averaging); a gap
    equal to the tolerance counts as reached."""
    f = Quadratic(A_POST)
    assert_allclose(steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 0.5, 0), [[8.0, 3.0]])
    g = np.array([2.0, -1.0])
    # RMSProp with decay 0 scales by the current gradient's size alone: g / (|g| + eps)
    d, _ = RMSProp(decay=0.0, eps=1e-8).update(g, RMSProp(decay=0.0).init(np.zeros(2)))
    assert_allclose(d, g / (np.abs(g) + 1e-8), rtol=1e-15)
    d, _ = Adam(b1=0.0, b2=0.0, eps=1e-8).update(g, Adam().init(np.zeros(2)))
    assert_allclose(d, g / (np.abs(g) + 1e-8), rtol=1e-15)
    assert iterations_to_tolerance([1.0, 0.25, 0.125], 0.25) == 1


def test_optimiser_fields_keep_their_order():
    """The shared base of AdaGrad and RMSProp has no fields: positional arguments
    still mean what each optimiser's signature says."""
    assert RMSProp(0.5) == RMSProp(decay=0.5, eps=1e-8)
    assert RMSProp(0.5, 1e-6).eps == 1e-6
    assert AdaGrad(1e-6) == AdaGrad(eps=1e-6)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: RMSProp(decay=-0.5), "decay must be in [0, 1), got -0.5"),
        (lambda: Adam(b1=1.0), "b1 must be in [0, 1), got 1.0"),
        (lambda: Adam(b2=-1e-9), "b2 must be in [0, 1), got -1e-09"),
    ],
)
def test_hyperparameter_messages_name_the_hyperparameter(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert str(err.value) == message


def test_divergence_says_what_was_not_finite():
    with pytest.raises(DivergenceError) as err:
        steepest_descent(lambda x: np.array([np.inf, 0.0]), [1.0, 1.0], Euclidean(), 0.1, 3)
    assert str(err.value) == (
        "steepest descent diverged at step 1 of 3 (lr=0.1): the gradient is not finite; "
        "lower the learning rate"
    )
    with pytest.raises(DivergenceError) as err:
        steepest_descent(lambda x: x, [1e300, 1.0], Euclidean(), 1e10, 3)
    assert str(err.value) == (
        "steepest descent diverged at step 1 of 3 (lr=1e+10): the iterate is not finite; "
        "lower the learning rate"
    )


@pytest.mark.parametrize("method", [AdaGrad(), RMSProp(decay=0.0), Adam(b2=0.0)])
def test_a_squared_gradient_that_overflows_in_the_sum_is_divergence(method):
    """g = 1e154: g^2 = 1e308 is finite, the running second moment plus it is not. Caught
    before the update, which would make the metric infinite and the steps silently 0."""
    with pytest.raises(DivergenceError) as err:
        steepest_descent(lambda x: np.full(2, 1e154), [0.0, 0.0], method, 0.1, 3)
    assert str(err.value) == (
        "steepest descent diverged at step 2 of 3 (lr=0.1): the squared gradient overflows; "
        "lower the learning rate"
    )


def test_a_gradient_that_overflows_into_nan_warns_nothing():
    """inf - inf inside the user's gradient: one DivergenceError, no RuntimeWarning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="the gradient is not finite"):
            steepest_descent(
                lambda x: np.exp(1e3 * x) - np.exp(1e3 * x), [1.0, 1.0], Euclidean(), 0.1, 2
            )


@pytest.mark.parametrize("method", [AdaGrad(), RMSProp(), Adam()])
def test_integer_gradients_are_floats_to_the_optimisers(method):
    """A gradient function may return integers; squared as int64, 4e9 would wrap."""
    big = [4_000_000_000, -3]
    as_ints = steepest_descent(lambda x: big, [1.0, 2.0], method, 0.1, 3)
    as_floats = steepest_descent(lambda x: np.array(big, dtype=float), [1.0, 2.0], method, 0.1, 3)
    assert_allclose(as_ints, as_floats, rtol=1e-15)


@pytest.mark.parametrize("method", [AdaGrad(), RMSProp(), Adam()])
def test_optimiser_state_is_shaped_like_the_parameters(method):
    state = method.init([1, 2, 3])
    for moment in state[-2:] if isinstance(method, Adam) else state:
        assert moment.shape == (3,) and moment.dtype == np.float64
        assert_array_equal(moment, 0.0)
    with pytest.raises(ValueError) as err:
        method.init(None)
    assert str(err.value) == "x0 must be a vector, got shape ()"


def test_the_path_is_float_even_from_an_integer_start():
    path = steepest_descent(lambda x: x, [8, 3], Euclidean(), 0.5, 0)
    assert path.dtype == np.float64 and path.tolist() == [[8.0, 3.0]]


def test_divergence_raises_no_numpy_warnings():
    """Overflow is reported once, as the DivergenceError, not also as RuntimeWarnings."""
    import warnings

    f = Quadratic(A_POST)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError):
            steepest_descent(f.gradient, [8.0, 3.0], Euclidean(), 1e200, 50)
        for method in (AdaGrad(), RMSProp(), Adam()):
            with pytest.raises(DivergenceError, match="overflows|not finite"):
                steepest_descent(f.gradient, [8.0, 3.0], method, 1e200, 50)
            path = steepest_descent(f.gradient, [8.0, 3.0], method, 1e200, 50, on_divergence="stop")
            assert np.all(np.isfinite(path)) and len(path) < 51


def test_damping_reaches_the_metric():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    f = Quadratic(A)
    x, loop = np.array([3.0, -2.0]), [np.array([3.0, -2.0])]
    for _ in range(5):
        x = x - 0.3 * np.linalg.solve(A + 0.7 * np.eye(2), f.gradient(x))
        loop.append(x)
    path = steepest_descent(f.gradient, loop[0], Mahalanobis(A), 0.3, 5, damping=0.7)
    assert_allclose(path, loop, rtol=1e-13)


def test_damping_refusal_names_the_preconditioner():
    with pytest.raises(ValueError) as err:
        steepest_descent(lambda x: x, [1.0], RMSProp(), 0.1, 1, damping=0.5)
    assert str(err.value) == (
        "damping=0.5 applies to a metric's tensor; an adaptive preconditioner (RMSProp) "
        "has eps instead"
    )


def test_every_optimizer_name_builds_its_method():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    assert make_optimizer("gd") == Euclidean()
    assert make_optimizer("adagrad") == AdaGrad()
    assert make_optimizer("rmsprop") == RMSProp()
    assert make_optimizer("adam") == Adam()
    # every method without a matrix serves a gradient of any dimension, as Adam does
    for method in ("gd", "adagrad", "rmsprop", "adam"):
        path = steepest_descent(lambda x: 2.0 * x, [1.0, -2.0, 3.0], make_optimizer(method), 0.1, 2)
        assert path.shape == (3, 3) and np.all(np.abs(path[-1]) < np.abs(path[0]))
    m = make_optimizer("mahalanobis", A)
    assert isinstance(m, Mahalanobis) and np.array_equal(m.matrix(), A)
    with pytest.raises(ValueError) as err:
        make_optimizer("sgd")
    assert (
        str(err.value) == "method must be one of gd, adagrad, rmsprop, adam, mahalanobis, got 'sgd'"
    )


def test_float32_inputs_give_float64_results():
    f = Quadratic([[2.0, 0.5], [0.5, 1.0]])
    x0 = np.float32([3.0, -2.0])
    for method in (Euclidean(2), AdaGrad(), RMSProp(), Adam()):
        R.float64_like(
            steepest_descent(f.gradient, x0, method, 0.1, 5),
            steepest_descent(f.gradient, x0.astype(float), method, 0.1, 5),
        )
        if not isinstance(method, Euclidean):
            state = method.init(x0)
            assert state.second_moment.dtype == np.float64
    # float32 gradients too: the gradient function is the caller's
    R.float64_like(
        steepest_descent(
            lambda x: np.float32(2.0) * x.astype(np.float32), [3.0, -2.0], Euclidean(2), 0.1, 3
        ),
        steepest_descent(
            lambda x: 2.0 * x.astype(np.float32).astype(float), [3.0, -2.0], Euclidean(2), 0.1, 3
        ),
    )
    assert iterations_to_tolerance(np.float32([1.0, 0.25, 0.125]), 0.25) == 1


def test_an_iterate_out_of_the_domain_is_its_steps_divergence_and_not_in_the_path():
    """The gradient at x_t finds x_t outside the domain: step t diverged (not t + 1), and
    with on_divergence="stop" x_t is not returned. A start outside is bad input."""
    from natgrad.errors import DomainError

    def grad(x):
        if x[0] < 0:
            raise DomainError("x[0] < 0 is outside the domain")
        return np.array([1.0, 0.0])

    with pytest.raises(DivergenceError) as err:
        steepest_descent(grad, [1.5, 0.0], Euclidean(), 1.0, 5)
    assert err.value.step == 2  # x_2 = -0.5
    assert str(err.value) == (
        "steepest descent diverged at step 2 of 5 (lr=1): the iterate left its domain "
        "(x[0] < 0 is outside the domain); lower the learning rate"
    )
    path = steepest_descent(grad, [1.5, 0.0], Euclidean(), 1.0, 5, on_divergence="stop")
    assert_allclose(path, [[1.5, 0.0], [0.5, 0.0]], rtol=0)
    with pytest.raises(DomainError, match="outside the domain"):
        steepest_descent(grad, [-1.0, 0.0], Euclidean(), 1.0, 5, on_divergence="stop")


def test_a_domain_check_finds_even_the_last_iterate_outside():
    """With ``domain`` every new iterate is checked where it is made: the last one too,
    which no gradient follows; the start is checked before any step."""
    from natgrad.errors import DomainError

    def domain(x):
        if x[0] < 0:
            raise DomainError("x[0] < 0 is outside the domain")

    grad = lambda x: np.array([1.0, 0.0])  # noqa: E731
    with pytest.raises(DivergenceError) as err:
        steepest_descent(grad, [1.5, 0.0], Euclidean(), 1.0, 2, domain=domain)
    assert str(err.value) == (
        "steepest descent diverged at step 2 of 2 (lr=1): the iterate left its domain "
        "(x[0] < 0 is outside the domain); lower the learning rate"
    )
    path = steepest_descent(
        grad, [1.5, 0.0], Euclidean(), 1.0, 2, domain=domain, on_divergence="stop"
    )
    assert_allclose(path, [[1.5, 0.0], [0.5, 0.0]], rtol=0)
    assert len(steepest_descent(grad, [1.5, 0.0], Euclidean(), 1.0, 2)) == 3  # unchecked
    with pytest.raises(DomainError):
        steepest_descent(grad, [-1.0, 0.0], Euclidean(), 1.0, 0, domain=domain)
