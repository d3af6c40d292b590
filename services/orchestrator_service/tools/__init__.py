"""Tools the agent can call: schemas, argument handling, and dispatch to the owning service."""
