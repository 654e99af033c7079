"""Every write and every rule of the feedback app, one module per area."""
