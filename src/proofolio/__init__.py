"""proofolio: evidence of machine-learning skills, linked to the exact lines that show them."""

__version__ = "0.1.0"
