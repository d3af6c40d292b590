"""Python client for memvisor (imports no server code)."""
