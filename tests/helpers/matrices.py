"""Random matrices for the metrics' and objectives' tests."""

import numpy as np


def random_spd(rng, p, cond=None):
    """A random symmetric positive-definite p x p matrix; with ``cond``, one whose
    eigenvalues run geometrically from 1 to ``cond`` in random directions."""
    if cond is None:
        M = rng.standard_normal((p, p))
        return M @ M.T + p * np.eye(p)
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    G = (Q * np.geomspace(1.0, cond, p)) @ Q.T
    return (G + G.T) / 2
