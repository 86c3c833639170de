"""The reference sharing hub: CPD's data-sharing endpoint and each organisation's shared store.

- `server.HubServer`: run it (in-process thread or `cvi-hub serve`).
- `admin`: organisations, coverage, tokens, epoch, backup/restore on the db file.
- `faults.FaultPlan`: test-only misbehaviours (`HubServer.faults`).
- `service`: the rules (push/pull/notifications/assignment/CPD views); `app`: the HTTP layer.
- `db`: the SQLite schema. The wire contract is `sync.protocol` and `sync/openapi.json`.

Never imports Qt, `ui` or `requests`.
"""

from typing import TYPE_CHECKING, Any

from .config import HubConfig

if TYPE_CHECKING:
    from .server import HubServer

__all__ = ["HubConfig", "HubServer"]


def __getattr__(name: str) -> Any:
    # Lazy, so `cvi-hub org|token ...` does not pay for importing FastAPI and uvicorn.
    if name == "HubServer":
        from .server import HubServer

        return HubServer
    raise AttributeError(name)
