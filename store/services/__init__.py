"""Every write of the store, one module per concern (DESIGN "Inside an app")."""
