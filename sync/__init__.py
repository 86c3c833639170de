"""Sync between the desktop app and the sharing hub.

- `sync.protocol`: the wire contract (pydantic models), shared by the hub and the sync engine.
- `sync.hub`: the reference hub, a FastAPI service on one SQLite file (`cvi-hub`).

Layering: nothing here imports Qt or `ui`; the hub does not import `requests` either.
"""
