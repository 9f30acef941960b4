"""Domain tags that need more than a catalogue row."""
