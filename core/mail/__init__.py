"""Mail: tickets from the desk's mailboxes (incoming) and replies to the customer (outgoing)."""
