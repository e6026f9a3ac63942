"""The desk's tickets: use cases, workflow, fields, what is shown, the queue."""
