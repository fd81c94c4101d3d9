"""The calculation engine: pure rules with no Django import (import-linter keeps it so).

The yearly mass calculation of the pension insurance register is built here; it may use the
kernel's pure money helpers (``tugi.core.money``) and nothing else of Tugi.
"""
