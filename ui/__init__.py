"""The PySide6 desktop client of cvi-desktop.

Layering: `ui` → `sync` → `cvi_desktop`. Nothing here runs SQL or HTTP itself: store work goes
through `ui.tasks.TaskManager.store_op` (one writer thread that owns the Store), network work
through `ui.sync_bridge` (the one seam to the sync engine). One module per view or dialog.
"""
