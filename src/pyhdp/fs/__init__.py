"""File systems: the interface (``base``), the scheme registry, and the backends."""
