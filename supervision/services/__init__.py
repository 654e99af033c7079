"""Services of the supervision app: every write and every rule, one module per area."""
