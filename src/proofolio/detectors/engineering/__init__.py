"""Software-engineering detectors: tests, CI, dependencies, licence (repository level)."""
