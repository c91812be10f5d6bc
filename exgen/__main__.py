"""``python -m exgen``."""

from exgen.cli import main

main()
