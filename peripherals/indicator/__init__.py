"""Status indicator port: lights and buzzer a person reads across a classroom, and a button."""

from peripherals.indicator.port import Pattern, StatusIndicator

__all__ = ["Pattern", "StatusIndicator"]
