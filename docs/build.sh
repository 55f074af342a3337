#!/usr/bin/env bash
# Build the documentation site into docs/_build/html; any warning fails the build.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf _build generated auto_examples
python -m sphinx -W --keep-going -b html -j 1 . _build/html
echo "site: $(pwd)/_build/html/index.html"
