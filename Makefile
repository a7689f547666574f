# strata — `make demo` shows the main job, `make test` runs the whole suite.
# Both install what a clean Debian machine lacks first (scripts/ensure-deps.sh).
SWIFT ?= swift
PREFIX ?= /usr/local
STRATA_DEBUG := .build/debug/strata
STRATA_RELEASE := .build/release/strata
# Release builds link the Swift runtime and Foundation statically: the installed binary needs no
# Swift toolchain, and a process starts in 10 ms instead of 16 (no symbol binding across a dozen
# shared libraries), which is 1.25x -> 1.1x the psql floor for `upgrade` of 100 revisions.
RELEASE := -c release --static-swift-stdlib
# The PostgreSQL majors of `make test-matrix` (15 is Debian's; the others come from
# scripts/fetch-postgres.sh into a cache outside the repository).
MAJORS ?= 14 15 16 17 18

.PHONY: all deps build test test-matrix demo install bench clean

all: build

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

test: deps
	bash scripts/tool-venv.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash scripts/dogfood.sh $(STRATA_DEBUG)

# The version-sensitive groups (detection table, stairway, squash + verify squash, crash matrix)
# once per major in $(MAJORS), then a summary table; fails if any group failed.
test-matrix: deps
	$(SWIFT) build --build-tests
	bash scripts/fetch-postgres.sh $(MAJORS)
	SWIFT=$(SWIFT) bash scripts/test-matrix.sh $(MAJORS)

demo: build
	bash scripts/demo.sh $(STRATA_DEBUG)

install: deps
	$(SWIFT) build $(RELEASE)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(STRATA_RELEASE) $(DESTDIR)$(PREFIX)/bin/strata

bench: deps
	$(SWIFT) build $(RELEASE)
	STRATA=$(STRATA_RELEASE) python3 bench/bench.py $(ARGS)

clean:
	rm -rf .build bench/out bench/work
