"""Kinerja: Balanced Scorecard performance management for the Ministry of Finance."""

__version__ = "0.1.0"
