"""The domain: the only code that changes models. One package per area; each exposes its
public API in its `__init__` and keeps its modules private. Plain functions, the actor as
`by=`; they flush and write history, but never commit (the caller's unit of work does)."""
