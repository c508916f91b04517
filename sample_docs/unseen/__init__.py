"""Unseen contract layouts (group ``unseen-contracts-2``): 8 layouts x 3 contracts with truth."""
