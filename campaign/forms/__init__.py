"""Forms of the campaign app, one module per area (``forms.<area>``)."""
