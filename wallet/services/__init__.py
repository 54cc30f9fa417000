"""Every movement of money goes through ledger_post; these are the only callers."""
