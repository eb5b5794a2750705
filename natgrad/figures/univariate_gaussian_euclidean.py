"""Two Gaussians equally far apart in their parameters, at a large and a small variance.

The post's fourth figure: the Euclidean distance between p1 = N(-2, sigma^2) and
p2 = N(2, sigma^2) is the same in both panels, their KL divergence is not.
Drawn by the builder it shares with gaussian_kl_vs_euclidean.
"""

from ._gaussian_pairs import build, describe

__all__ = ["build", "describe"]
