"""Reads of the campaign app, one module per area (``selectors.<area>``)."""
