"""Sample applications of calls other than the 2024 one (one generator + folder per call)."""
