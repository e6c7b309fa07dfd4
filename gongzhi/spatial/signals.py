"""Recompute cached access results when spaces, buildings or the ledger change."""
