"""ESCO (placeholder)."""
__all__ = ["import_esco"]


def import_esco(*a, **k):  # type: ignore[no-untyped-def]
    raise NotImplementedError
