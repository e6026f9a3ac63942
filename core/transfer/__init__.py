"""Import and export: another desk's tickets brought in as history, and this desk's written out."""
