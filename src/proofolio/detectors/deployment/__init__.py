"""Deployment and MLOps detectors: persistence of trained models, serving, containers."""
