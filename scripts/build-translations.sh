#!/usr/bin/env bash
# The app's translations: resources/translations/cvi_desktop_{en,es}.ts → .qm (Qt's lrelease).
#
#   scripts/build-translations.sh            compile every .ts into its .qm (what the build ships)
#   scripts/build-translations.sh --update   first bring the .ts up to date with ui/ (lupdate:
#                                            new strings added as unfinished, gone ones dropped),
#                                            then compile (`make translations`)
#   scripts/build-translations.sh --out DIR  compile into DIR instead (the staleness test)
#
# The .qm files are committed next to their .ts, so a checkout runs (and `pip install -e .` works)
# without a build step; tests/ui/test_translations.py fails when a committed .qm is not what the
# .ts compiles to, when lupdate would change a .ts, or when Spanish has unfinished entries.
# The English .ts holds only the plural (%n) strings (`-pluralonly`): English text is the source.
# The tools ship with PySide6-Essentials (PYTHON, default .venv/bin/python, finds them).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
update=0
out=resources/translations
while [ $# -gt 0 ]; do
  case "$1" in
    --update) update=1 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--update] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
qt_tool() {  # the lupdate/lrelease binary inside the installed PySide6 package
  "$PYTHON" -c "import pathlib, PySide6; print(pathlib.Path(PySide6.__file__).parent / '$1')"
}
LUPDATE=$(qt_tool lupdate)
LRELEASE=$(qt_tool lrelease)
if [ "$update" = 1 ]; then
  # Sorted file list: the same .ts whatever order the file system lists ui/ in.
  sources=$(find ui -name '*.py' | LC_ALL=C sort)
  # shellcheck disable=SC2086 # one argument per source file
  "$LUPDATE" -silent -no-obsolete -locations relative $sources -ts resources/translations/cvi_desktop_es.ts
  # shellcheck disable=SC2086
  "$LUPDATE" -silent -no-obsolete -pluralonly -locations relative $sources \
    -ts resources/translations/cvi_desktop_en.ts
fi
mkdir -p "$out"
for ts in resources/translations/cvi_desktop_*.ts; do
  name=$(basename "$ts" .ts)
  "$LRELEASE" -silent "$ts" -qm "$out/$name.qm"
done
