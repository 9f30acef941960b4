"""Statistics detectors written as logic (the catalogue holds the library calls)."""
