"""Detectors observe code and emit Evidence; they never score."""
