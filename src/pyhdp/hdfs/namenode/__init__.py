"""The NameNode core: namespace in SQLite, permissions, quotas, leases, safe mode."""
