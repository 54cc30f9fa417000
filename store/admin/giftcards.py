"""Store admin: giftcards (to be written)."""
