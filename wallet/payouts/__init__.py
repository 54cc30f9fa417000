"""Payout providers: how approved withdrawals actually reach people."""
