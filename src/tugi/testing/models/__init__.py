"""Testing: cases and their versions, plans, runs and executions (``cases``, ``runs``); defects and
imported automated results (``defects``); test reports and trainings (``reports``); test data and
issued test identities (``testdata``)."""

from .cases import *  # noqa: F403
from .defects import *  # noqa: F403
from .reports import *  # noqa: F403
from .runs import *  # noqa: F403
from .testdata import *  # noqa: F403
