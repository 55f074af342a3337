"""The ``imbtab`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from imbtab import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``imbtab`` command."""
    parser = argparse.ArgumentParser(
        prog="imbtab",
        description="imbtab: learning on class-imbalanced tabular data.",
    )
    parser.add_argument("--version", action="version", version=f"imbtab {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``imbtab`` command and return its exit code."""
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0
