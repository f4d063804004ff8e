"""Package anchor for the tracking-number format data (read with importlib.resources); see SOURCES.md."""
