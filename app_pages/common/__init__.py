"""Shared parts of the app's pages: state, frame, cache, saving, messages, places table."""
