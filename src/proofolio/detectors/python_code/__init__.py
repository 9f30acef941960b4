"""Python detectors: code the candidate structured, typed and packaged."""
