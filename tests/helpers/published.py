"""The post's published values: the one place tests read them from.

Every other test reads its numbers from the config it built with, so an author's
edit of config.yaml (a learning rate, a seed, a size, a title) keeps the suite
green. What is true only of the numbers the post published (the draft's code's
learning rates, the shape of its ellipses, the KL divergences of its fourth
figure) is checked against these, never against config.yaml, which an author may change. They are
the values config.yaml was committed with when the post's figures were
reproduced (2026-12); they change only with the post.
"""

# The draft's code for the trajectory figure: f(x) = x^T A x from x0, 10 steps of
# gradient descent at 0.5 and of steepest descent under A at 0.3 (ERRATA E20).
GD = {
    "A": [[1.0, -0.5], [-0.5, 1.0]],
    "x0": [8.0, 3.0],
    "n_steps": 10,
    "lrs": {"euclidean": 0.5, "mahalanobis": 0.3},
}

# The first figure's three unit circles: the Euclidean one, a diagonal metric whose
# ellipse has semi-axes 1 and 2 (long axis vertical), the same ellipse turned 45 degrees.
EQUIDISTANT_A = [
    [[1.0, 0.0], [0.0, 1.0]],
    [[1.0, 0.0], [0.0, 0.25]],
    [[0.625, -0.375], [-0.375, 0.625]],
]

# The fourth figure: p1 = N(-2, sigma^2) and p2 = N(2, sigma^2) at sigma^2 = 5 and 0.1.
FOURTH = {"means": [-2.0, 2.0], "variances": [5.0, 0.1]}

# The KL figure the draft promises: the same means at sigma^2 = 0.25 and 4.
KL_FIGURE = {"means": [-2.0, 2.0], "variances": [0.25, 4.0]}
