# The two set-up commands are `make run` and `make test`; each bootstraps
# everything it needs (.venv, private PostgreSQL under .local/, Odoo found in
# $ODOO_SRC or /opt/odoo-18.0) and is fast when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make run    demo database with crm_governance, web client on http://localhost:8069"
	@echo "make test   fresh test database, our tests + Odoo's crm/sales_team suites"
	@echo "make mutations  each boundary fix removed in turn: its test must fail (on make test's database)"
	@echo "make bench  seed N leads (default 100000) and time rules and install hook"
	@echo "make bench-grading  grading on CUSTOMERS (default 200000) customers, 10 won deals each, vs. SQL"
	@echo "make bench-registration  collision check against REGISTRATIONS (default 1000000) registrations, vs. SQL search"
	@echo "make load   Locust against Odoo's prefork server on N (100000) leads, stock vs governed, invariants checked"
	@echo "make lint   OCA's pre-commit checks (pylint-odoo, ruff, oca-checks-odoo-module)"
	@echo "make pot    regenerate crm_governance/i18n/crm_governance.pot from the code"
	@echo "make backup [DB=… DIR=…]     pg_dump (custom format) + filestore, timestamped"
	@echo "make restore FILE=… DB=…     a backup into a new database"
	@echo "make stop   stop the private PostgreSQL clusters"
	@echo "make clean  remove .venv and .local"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

mutations:
	@python3 scripts/mutations.py

bench:
	@bash scripts/bench.sh

bench-grading:
	@bash scripts/bench_sizes.sh grading $${CUSTOMERS:-200000}

bench-registration:
	@bash scripts/bench_sizes.sh registration $${REGISTRATIONS:-1000000}

load:
	@bash scripts/load.sh

pot:
	@bash scripts/i18n.sh

lint:
	@bash scripts/lint.sh

backup:
	@bash scripts/backup.sh

restore:
	@bash scripts/restore.sh

stop:
	@bash -c 'source scripts/lib.sh; pg_stop'

clean: stop
	rm -rf .venv .local

.PHONY: help run test mutations bench bench-grading bench-registration load backup restore pot lint stop clean
