"""Business time and SLA clocks (pure: ``now`` is an argument)."""
