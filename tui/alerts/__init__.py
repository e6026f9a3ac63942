"""Alerts in a running app: toasts, bell, desktop, the alert centre."""
