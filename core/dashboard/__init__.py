"""The supervisor's figures, kept up by the change feed."""
