"""Communication detectors: docstrings, notebook narrative, labelled plots, README."""
