"""Resource identifiers: "<kind>-<uuid4>", readable in logs and unguessable."""

import uuid


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4()}"
