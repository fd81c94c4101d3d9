"""Finance: payment runs, bank accounts and outgoing bank files (``payments``); incoming bank
files and the events they carry (``bank``); overpayments and their recovery (``overpayments``);
the sub-ledger (``ledger``); monitors (``monitors``) and the problem register (``problems``)."""

from .bank import *  # noqa: F403
from .ledger import *  # noqa: F403
from .monitors import *  # noqa: F403
from .overpayments import *  # noqa: F403
from .payments import *  # noqa: F403
from .problems import *  # noqa: F403
