"""Collectors turn a target (folder, git repo, GitHub user) into Sources to analyse."""
