"""memvisor_suite."""
