"""The desk's policy in the database: versions, applying one, following the newest."""
