"""Every write of the campaign app, one module per area (``services.<area>``)."""
