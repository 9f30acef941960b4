"""Data preparation detectors with logic beyond a catalogue row."""
