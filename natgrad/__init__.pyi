"""natgrad's public names, each from its submodule: the one list of them.

`natgrad/__init__.py` loads them from here on first use (lazy_loader.attach_stub,
PEP 562); type checkers and editors read this file as the package's types. Only
`from .module import name as name` lines: attach_stub reads nothing else.
"""

from .claims import compute_claims as compute_claims
from .descent import OPTIMIZERS as OPTIMIZERS
from .descent import AdaGrad as AdaGrad
from .descent import Adam as Adam
from .descent import AdamState as AdamState
from .descent import DiagonalState as DiagonalState
from .descent import RMSProp as RMSProp
from .descent import iterations_to_tolerance as iterations_to_tolerance
from .descent import make_optimizer as make_optimizer
from .descent import steepest_descent as steepest_descent
from .errors import DivergenceError as DivergenceError
from .errors import DomainError as DomainError
from .errors import SingularMetricError as SingularMetricError
from .gaussian import PARAMETERIZATIONS as PARAMETERIZATIONS
from .gaussian import central_moment as central_moment
from .gaussian import empirical_fisher as empirical_fisher
from .gaussian import fisher_information as fisher_information
from .gaussian import from_mean_std as from_mean_std
from .gaussian import jacobian as jacobian
from .gaussian import kl as kl
from .gaussian import monte_carlo_fisher as monte_carlo_fisher
from .gaussian import score as score
from .gaussian import to_mean_std as to_mean_std
from .metrics import Diagonal as Diagonal
from .metrics import Euclidean as Euclidean
from .metrics import FisherMetric as FisherMetric
from .metrics import Mahalanobis as Mahalanobis
from .metrics import Metric as Metric
from .metrics import cholesky_solve as cholesky_solve
from .objectives import GaussianLogLikelihood as GaussianLogLikelihood
from .objectives import Quadratic as Quadratic
from .objectives import gaussian_descent as gaussian_descent
from .objectives import gaussian_mle_path as gaussian_mle_path
from .objectives import reparameterization_discrepancy as reparameterization_discrepancy
from .objectives import reparameterized_path as reparameterized_path
from .objectives import rotated_spd as rotated_spd

__version__: str
__all__: list[str]
