"""orchestrator_service."""
