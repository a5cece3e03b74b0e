"""Examples: a deterministic generator of synthetic RECIST 1.1 trials and its output."""
