"""Model-building detectors: deep-learning models and training loops."""
