"""cvi-desktop core: domain, encrypted local store, services and the sharing policy.

This package imports neither Qt nor requests; everything a user can do, it can do
without a window. Dependencies point one way: ui -> sync -> cvi_desktop.
"""

__version__ = "0.1.0"
