"""Model-evaluation detectors that need logic (reported results)."""
