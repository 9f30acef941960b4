"""Exploratory-analysis detectors that need logic (notebook outputs)."""
