"""The alert ladder, the watcher that fires it, and the channels that deliver."""
