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

.PHONY: all deps build test demo install bench clean

all: build

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash scripts/dogfood.sh $(STRATA_DEBUG)

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
