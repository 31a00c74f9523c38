#!/usr/bin/env bash
# make lint: OCA's pre-commit hooks for Odoo 18 (pylint-odoo's mandatory
# checks, ruff, oca-checks-odoo-module, oca-checks-po) over the whole tree.
# The tools live in .local/lint-venv, apart from Odoo's .venv: their pins
# (pylint, astroid) are their own.
source "$(dirname "$0")/lib.sh"
LINT_VENV="$LOCAL/lint-venv"
ensure_tool_venv "$LINT_VENV" "$ROOT/requirements-lint.txt" pre-commit
cd "$ROOT"
say "pre-commit: OCA checks, ruff, pylint-odoo"
# hooks are `language: system`: they find the tools on PATH
PATH="$LINT_VENV/bin:$PATH" PRE_COMMIT_HOME="$LOCAL/pre-commit-cache" \
    "$LINT_VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never
