"""tool_service."""
