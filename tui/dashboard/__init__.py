"""The supervisor's breach dashboard (``deskline dashboard``)."""
