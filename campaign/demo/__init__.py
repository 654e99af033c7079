"""Demo records of the campaign app, one module per area (``demo.<area>.build``)."""
