"""`make bench`: the Lifelong Learning Week registration rush, measured on PostgreSQL."""
