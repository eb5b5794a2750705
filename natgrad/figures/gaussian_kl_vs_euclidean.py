"""Equal parameter distance, different KL divergence.

Pairs of Gaussians equally far apart in their means, the KL divergence in
each title: the post's fourth figure (univariate_gaussian_euclidean) with its
numbers. Drawn by the builder the two share.
"""

from ._gaussian_pairs import build, describe

__all__ = ["build", "describe"]
