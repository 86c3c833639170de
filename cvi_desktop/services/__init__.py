"""Everything a worker or supervisor does, as functions over a `Store`.

Each function validates its input first (raising `ValidationError` before anything is
written), then makes its domain write, its audit entry and any outbox entry in one
transaction.
"""
