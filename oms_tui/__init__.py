"""oms: keyboard-first terminal order management."""

__version__ = "0.1.0"
