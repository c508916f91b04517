"""Unseen contract layouts, third set (group ``unseen-contracts-3``): 8 layouts x 3 contracts with truth."""
