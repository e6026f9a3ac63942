"""Who works at the desk and whom it serves: agents, identity, customers."""
