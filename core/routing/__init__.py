"""Where a new ticket goes: triage, routing rules, surges, the rules' check."""
