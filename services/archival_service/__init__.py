"""archival_service."""
