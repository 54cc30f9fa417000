"""Refunds of delivered orders by Finance, and the shopper's cancel before delivery (to
be written)."""
