"""exgen: exercise definitions in, complete exercise packages out."""

__version__ = "0.1.0"
#: Version of the definition format (the ``exgen:`` key) this release reads.
FORMAT_VERSION = 1
