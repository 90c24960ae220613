"""Settings are split: base (shared), local (development, the default), production, test."""
