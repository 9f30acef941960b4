"""Collaboration detectors: work visible in git history."""
