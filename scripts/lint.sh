#!/usr/bin/env bash
# make lint: OCA's pre-commit hooks for Odoo 18 (pylint-odoo's mandatory
# checks, ruff, oca-checks-odoo-module, oca-checks-po) over the whole tree.
# The tools live in .local/lint-venv, apart from Odoo's .venv: their pins
# (pylint, astroid) are their own.
source "$(dirname "$0")/lib.sh"
LINT_VENV="$LOCAL/lint-venv"
STAMP="$LINT_VENV/.requirements"
if [ ! -x "$LINT_VENV/bin/pre-commit" ] || ! cmp -s "$ROOT/requirements-lint.txt" "$STAMP"; then
    say "lint tools into $LINT_VENV"
    rm -rf "$LINT_VENV"
    mkdir -p "$LOCAL"
    python3 -m venv "$LINT_VENV" || die "python3 -m venv failed (install python3-venv)"
    "$LINT_VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-lint.txt" \
        || die "could not install the lint tools from the package registry"
    cp "$ROOT/requirements-lint.txt" "$STAMP"
fi
cd "$ROOT"
say "pre-commit: OCA checks, ruff, pylint-odoo"
# hooks are `language: system`: they find the tools on PATH
PATH="$LINT_VENV/bin:$PATH" PRE_COMMIT_HOME="$LOCAL/pre-commit-cache" \
    "$LINT_VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never
