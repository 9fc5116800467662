"""FsShell commands, one class per command, grouped in modules by family."""
