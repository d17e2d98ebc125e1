"""pytest set-up for the whole repository.

nbval's measured cells (tools/nbval_measured.py): when `pytest --nbval` runs a chapter, cells
with `measured` metadata have their numbers checked by value within a band, and the sanitize
file tests/nbval_sanitize.cfg applies unless another is given.
"""
pytest_plugins = ["tools.nbval_measured"]
