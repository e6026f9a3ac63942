"""The desk's numbers: metrics over the audit history, reports and the what-if replay."""
