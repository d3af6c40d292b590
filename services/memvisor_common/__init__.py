"""memvisor_common."""
