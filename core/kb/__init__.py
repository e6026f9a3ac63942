"""The knowledge base: articles written from resolved tickets, found by their words."""
