"""Metrics on parameter space and the steepest-descent directions they induce.

A metric is an immutable object with a metric tensor ``G(x)``. Steepest descent
under it moves along ``-(G + damping I)^{-1} grad``: the direction that lowers a
linear model of the objective most per unit of squared length ``dx^T G dx``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import SingularMetricError

__all__ = [
    "SYMMETRY_RTOL",
    "Metric",
    "Euclidean",
    "Diagonal",
    "Mahalanobis",
    "FisherMetric",
    "cholesky_solve",
    "validate_spd",
    "metric_from_matrix",
]

#: Relative tolerance for symmetry: ``|A - A^T| <= SYMMETRY_RTOL * max|A|`` elementwise.
SYMMETRY_RTOL = 1e-10


def _frozen(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """A read-only copy of the validated float64 array ``a``."""
    out = np.array(a)
    out.setflags(write=False)
    return out


def validate_spd(A: ArrayLike, name: str = "A", rtol: float = SYMMETRY_RTOL) -> NDArray[np.float64]:
    """Check that ``A`` is a finite, square, symmetric, positive-definite matrix.

    Parameters
    ----------
    A : array_like
        Candidate matrix.
    name : str
        Name used in error messages (an argument or a config key).
    rtol : float
        Symmetry tolerance relative to the largest absolute entry.

    Returns
    -------
    ndarray
        ``A`` as a read-only float array.

    Raises
    ------
    ValueError
        Naming the first condition that fails: shape, finiteness, symmetry or
        positive definiteness.
    """
    try:
        M = np.asarray(A, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric matrix: {err}") from None
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix, got shape {M.shape}")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite, got non-finite entries")
    scale = float(np.max(np.abs(M))) or 1.0
    if np.max(np.abs(M - M.T)) > rtol * scale:
        raise ValueError(f"{name} must be symmetric (within relative tolerance {rtol:g})")
    try:
        np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        eig = float(np.linalg.eigvalsh(M).min())
        raise ValueError(
            f"{name} must be positive definite, smallest eigenvalue is {eig:.3g}"
        ) from None
    return _frozen(M)


def cholesky_solve(G: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Solve ``G x = b`` for symmetric positive-definite ``G`` by Cholesky.

    Never forms ``G^{-1}``: factorising once and back-substituting is cheaper
    and more accurate than inverting then multiplying.

    Parameters
    ----------
    G : array_like, shape (p, p)
        Symmetric positive-definite matrix.
    b : array_like, shape (p,) or (p, k)
        Right-hand side.

    Returns
    -------
    ndarray
        The solution, shaped like ``b``, in double precision whatever the inputs.

    Raises
    ------
    ValueError
        If the shapes do not fit, ``G`` or ``b`` is not finite, or ``G`` is not
        positive definite.
    """
    # float64 first: a float32 G would be factorised in single precision.
    G = np.asarray(G, dtype=float)
    b = np.asarray(b, dtype=float)
    if G.ndim != 2 or G.shape[0] != G.shape[1] or b.ndim not in (1, 2) or len(b) != len(G):
        raise ValueError(
            f"cannot solve: metric tensor of shape {G.shape}, right-hand side of shape {b.shape}"
        )
    if not (np.all(np.isfinite(G)) and np.all(np.isfinite(b))):
        # LAPACK would call a NaN pivot "not positive definite": say what it is.
        raise ValueError("metric tensor and gradient must be finite")
    try:
        L = np.linalg.cholesky(G)
    except np.linalg.LinAlgError:
        raise SingularMetricError("metric tensor is not positive definite; add damping") from None
    # The triangular solves are written out rather than taken from scipy.linalg,
    # whose import costs a figure job about 0.27 s (numpy.f2py comes with it)
    # for systems of two or three unknowns; p steps of a dot product each.
    y = np.empty_like(b)
    for i in range(len(b)):
        y[i] = (b[i] - L[i, :i] @ y[:i]) / L[i, i]
    x = np.empty_like(b)
    for i in reversed(range(len(b))):
        x[i] = (y[i] - L[i + 1 :, i] @ x[i + 1 :]) / L[i, i]
    return x


class Metric:
    """Base class: a Riemannian metric ``G(x)`` on R^p."""

    def matrix(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        """Metric tensor at ``x``, shape (p, p)."""
        raise NotImplementedError

    def direction(
        self, grad: ArrayLike, x: ArrayLike | None = None, damping: float = 0.0
    ) -> NDArray[np.float64]:
        """Natural-gradient direction ``(G(x) + damping I)^{-1} grad``.

        Parameters
        ----------
        grad : array_like, shape (p,)
            Euclidean gradient at ``x``.
        x : array_like, shape (p,), optional
            Point at which the metric is evaluated (ignored by constant metrics).
        damping : float
            Non-negative Tikhonov damping added to the diagonal.

        Returns
        -------
        ndarray, shape (p,)
        """
        _check_damping(damping)
        G = self.matrix(x)
        # the same message for a gradient of the wrong size as Euclidean and Diagonal give
        g = _check_dim(grad, len(G))
        return cholesky_solve(G + damping * np.eye(G.shape[0]), g)

    def sqdist(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64] | float:
        """Squared length ``(x - y)^T G (x - y)``, with G evaluated at ``y``.

        Broadcasts over leading axes of ``x`` and ``y``.
        """
        d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
        G = self.matrix(np.asarray(y, dtype=float) if self._depends_on_x else None)
        return np.einsum("...i,ij,...j->...", d, G, d)

    _depends_on_x = False

    def level_set(
        self, radius: float = 1.0, n_points: int = 201, center: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """Points ``p`` with ``sqdist(p, center) = radius**2``: the metric's circle.

        Parameters
        ----------
        radius : float
            Positive radius.
        n_points : int
            Number of points; the first and last coincide so the curve closes.
        center : array_like, shape (2,), optional
            Centre of the circle (default the origin); a point-dependent metric
            is evaluated there.

        Returns
        -------
        ndarray, shape (n_points, 2)
        """
        if not (np.isfinite(radius) and radius > 0):
            raise ValueError(f"radius must be positive and finite, got {radius!r}")
        if int(n_points) != n_points or n_points < 3:
            raise ValueError(f"n_points must be an integer >= 3, got {n_points!r}")
        c = np.zeros(2) if center is None else np.asarray(center, dtype=float)
        # a metric without a fixed dimension (Euclidean()) takes it from the centre; a
        # constant one ignores the point
        G = self.matrix(c)
        if G.shape != (2, 2) or c.shape != (2,):
            raise ValueError(f"level_set needs a 2-dimensional metric, got shape {G.shape}")
        # With G = V diag(w) V^T, p = r V diag(w^-1/2) u maps the unit circle u
        # onto the ellipse p^T G p = r^2.
        w, V = np.linalg.eigh(G)
        t = np.linspace(0.0, 2.0 * np.pi, int(n_points))
        u = np.stack([np.cos(t), np.sin(t)], axis=1)
        return c + radius * (u / np.sqrt(w)) @ V.T


def _check_dim(grad: ArrayLike, dim: int) -> NDArray[np.float64]:
    """``grad`` as floats, if it is a vector of the metric's ``dim`` coordinates."""
    g = np.asarray(grad, dtype=float)
    if g.shape != (dim,):
        raise ValueError(f"the gradient has shape {g.shape}; the metric is {dim}-dimensional")
    return g


def _check_damping(damping: float) -> None:
    if not (np.isfinite(damping) and damping >= 0):
        raise ValueError(f"damping must be finite and >= 0, got {damping!r}")


@dataclass(frozen=True)
class Euclidean(Metric):
    """The Euclidean metric ``G = I``: steepest descent is gradient descent.

    Parameters
    ----------
    dim : int, optional
        Dimension p of the space. Without it (the default) the metric serves vectors
        of any dimension; with it, a vector of another dimension is refused.
    """

    dim: int | None = None

    def __post_init__(self) -> None:
        if self.dim is not None and (int(self.dim) != self.dim or self.dim < 1):
            raise ValueError(f"dim must be a positive integer, got {self.dim!r}")

    def _size(self, shape: tuple[int, ...], what: str) -> int:
        """The dimension of a vector of ``shape``, checked against ``dim`` if there is one."""
        if self.dim is not None and shape != (self.dim,):
            raise ValueError(f"the {what} has shape {shape}; the metric is {self.dim}-dimensional")
        if len(shape) != 1 or shape[0] == 0:
            raise ValueError(f"the {what} has shape {shape}; it must be a non-empty vector")
        return shape[0]

    def matrix(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        """The identity of size ``dim``; without a dim, of the size of the point ``x``."""
        if self.dim is not None:
            return np.eye(self.dim)  # a constant metric: x does not matter
        if x is None:
            raise ValueError("Euclidean() without dim needs the point x: its size is the matrix's")
        return np.eye(self._size(np.shape(x), "point"))

    def direction(
        self, grad: ArrayLike, x: ArrayLike | None = None, damping: float = 0.0
    ) -> NDArray[np.float64]:
        _check_damping(damping)
        g = np.asarray(grad, dtype=float)
        self._size(g.shape, "gradient")
        return g / (1.0 + damping)

    def sqdist(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64] | float:
        d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
        # broadcast over leading axes, as Metric.sqdist: each difference is a last-axis vector
        G = np.eye(self._size(d.shape[-1:], "difference"))
        return np.einsum("...i,ij,...j->...", d, G, d)


@dataclass(frozen=True)
class Diagonal(Metric):
    """Diagonal Mahalanobis metric ``G = diag(scales)``.

    Steepest descent rescales each coordinate of the gradient by ``1/scales``
    (an elementwise product, not the inner product the draft writes).

    Parameters
    ----------
    scales : array_like, shape (p,)
        Positive, finite diagonal of G.
    """

    scales: NDArray[np.float64] = field()

    def __post_init__(self) -> None:
        try:
            s = np.asarray(self.scales, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"scales must be numeric: {err}") from None
        if s.ndim != 1 or s.size == 0:
            raise ValueError(f"scales must be a non-empty vector, got shape {s.shape}")
        if not np.all(np.isfinite(s)):
            raise ValueError("scales must be finite, got non-finite entries")
        if not np.all(s > 0):
            raise ValueError(f"scales must be positive, got {s.tolist()}")
        object.__setattr__(self, "scales", _frozen(s))

    def matrix(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        return np.diag(self.scales)

    def direction(
        self, grad: ArrayLike, x: ArrayLike | None = None, damping: float = 0.0
    ) -> NDArray[np.float64]:
        _check_damping(damping)
        return _check_dim(grad, self.scales.size) / (self.scales + damping)


@dataclass(frozen=True)
class Mahalanobis(Metric):
    """Full Mahalanobis metric ``G = A`` for a symmetric positive-definite A.

    Parameters
    ----------
    A : array_like, shape (p, p)
        Finite, symmetric (to :data:`SYMMETRY_RTOL`), positive-definite matrix.
    """

    A: NDArray[np.float64] = field()

    def __post_init__(self) -> None:
        object.__setattr__(self, "A", validate_spd(self.A))

    def matrix(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        return np.array(self.A)


@dataclass(frozen=True)
class FisherMetric(Metric):
    """A metric whose tensor depends on the point: ``G(x) = fisher(x)``.

    Parameters
    ----------
    fisher : callable
        Maps a parameter vector ``x`` of shape (p,) to a symmetric
        positive-definite (p, p) matrix, e.g. a Fisher information.
    dim : int, optional
        Dimension p. Without it (the default) ``fisher`` is evaluated at points of any
        dimension; with it, a point of another shape is refused before ``fisher`` sees it.
    """

    fisher: Callable[[NDArray[np.float64]], NDArray[np.float64]]
    dim: int | None = None
    _depends_on_x = True

    def __post_init__(self) -> None:
        if self.dim is not None and (int(self.dim) != self.dim or self.dim < 1):
            raise ValueError(f"dim must be a positive integer, got {self.dim!r}")

    def matrix(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        if x is None:
            raise ValueError("FisherMetric.matrix needs the point x: the tensor depends on it")
        p = np.asarray(x, dtype=float)
        if self.dim is not None and p.shape != (self.dim,):
            raise ValueError(f"the point has shape {p.shape}; the metric is {self.dim}-dimensional")
        return np.asarray(self.fisher(p), dtype=float)


def metric_from_matrix(A: ArrayLike) -> Metric:
    """The simplest metric object for the matrix ``A``.

    The identity gives :class:`Euclidean`, a diagonal matrix :class:`Diagonal`,
    anything else :class:`Mahalanobis` (which validates it).
    """
    M = validate_spd(A)
    if np.array_equal(M, np.eye(M.shape[0])):
        return Euclidean(M.shape[0])
    if np.array_equal(M, np.diag(np.diag(M))):
        return Diagonal(np.diag(M))
    return Mahalanobis(M)
