# Fafang — build, run and test. `make setup` needs root (apt-get); everything else does not.
SWIFT ?= swift
CONFIG ?= Config
AT ?= 2021-06-20
BIN := .build/debug/fafang

.PHONY: setup build run test check plan import-seed holiday-calendar crash-test crash-test-pg bench-http bench-e2e bench-sqlite-floor bench-idle bench-scale bench-console bench-outbox browser-test screenshots install deb clean fuzz fuzz-build fuzz-smoke

# Release builds link the Swift runtime and Foundation statically (--static-swift-stdlib): about
# 10 MB less resident for the idle daemon than the shared libraries, with Package.swift's release
# linker settings for fafang (lld, packed relocations, no exported symbols). See bench-idle.
RELEASE_FLAGS := -c release --static-swift-stdlib

# Debian packages the build and tests need (Kannel for the end-to-end SMS test, wrk for the
# benchmark; zlib for ZIPFoundation, libxml2 for FoundationXML in static release builds;
# Chromium, its driver and CJK fonts for the console's browser test and screenshots; PostgreSQL
# 15, whose server the PostgreSQL store's tests start privately: PostgresHarness; debhelper,
# dpkg-dev and lintian for `make deb` and scripts/check-deb.sh: no fakeroot, debian/control says
# Rules-Requires-Root: no); LibreOffice Calc, headless, which reads `fafang export`'s workbook
# back in Tests/export/check_export.py).
# Swift itself (6.x) must already be on PATH. Selenium comes from PyPI, pinned, and so do
# pgqueuer with asyncpg and aiohttp: the PostgreSQL job queue bench-outbox compares Fafang with.
PACKAGES := libcurl4-openssl-dev libsqlite3-dev zlib1g-dev libxml2-dev kannel kannel-extras wrk systemd \
	chromium chromium-driver fonts-noto-cjk postgresql debhelper dpkg-dev lintian libreoffice-calc-nogui
PYTHON ?= python3
SELENIUM := selenium==4.51.0
PEER := pgqueuer==1.6.0 asyncpg==0.32.0 aiohttp==3.14.5
setup:
	@if ! dpkg -s $(PACKAGES) >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(PACKAGES); \
	fi
	@$(PYTHON) -c 'import selenium' 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check $(SELENIUM)
	@$(PYTHON) -c 'import pgqueuer, asyncpg, aiohttp' 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check $(PEER)

build:
	$(SWIFT) build

# The main job on the bundled configuration: validate it, show the plan on $(AT), then rehearse
# the whole 2021 budget year on a virtual clock against a local sink, and summarise.
RATE ?= 345600
run: build
	$(BIN) check --config $(CONFIG)
	$(BIN) plan --config $(CONFIG) --at $(AT) --project 130208214IGHSSTAFMWVM
	.build/debug/fafang-demo --fafang $(BIN) --config $(CONFIG) --rate $(RATE)

check: build
	$(BIN) check --config $(CONFIG)

plan: build
	$(BIN) plan --config $(CONFIG) --at $(AT)

# Re-import the seed document's projects (review the kinds and [payees] before committing).
import-seed: build
	$(BIN) import-goals ../shared/seed/000_af5538dde43debdd.txt

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(BIN) check --config $(CONFIG)
	systemd/check-unit.sh $(CURDIR)/$(BIN)
	$(MAKE) deb
	scripts/check-deb.sh $(DEB_DIR)
	.build/debug/fafang-bench crash --messages 3000 --kills 6 --max-run-milliseconds 600 --fafang $(BIN)
	.build/debug/fafang-bench backup --messages 10000 --fafang $(BIN)
	.build/debug/fafang-bench diskfull --messages 10000 --fafang $(BIN)
	.build/debug/fafang-bench crash --store postgresql --daemons 3 --messages 20000 --kills 20 --fafang $(BIN)
	$(MAKE) browser-test
	FAFANG=$(CURDIR)/$(BIN) $(PYTHON) Tests/export/check_export.py
	$(MAKE) fuzz-smoke

# The console in a real headless Chromium (Tests/browser/console_test.py): login, overview, a
# project, maker-checker approval through to the sink, rejection, roles and CSRF.
browser-test:
	FAFANG=$(CURDIR)/$(BIN) $(PYTHON) Tests/browser/console_test.py

# Console screenshots (docs/console-*.png) on the bundled year's data: the year-long demo's
# database, served by fafang run on 2021-12-20.
screenshots: build
	FAFANG=$(CURDIR)/$(BIN) $(PYTHON) scripts/console-screenshots.py

# Fuzzing (README "Fuzzing"): libFuzzer harnesses with AddressSanitizer, built in their own
# scratch path (.build-fuzz) so the ordinary one is untouched: FUZZ_CONFIG=debug by default (the
# smoke in `make test` needs no speed, and a debug build of the harnesses with NIO and BoringSSL
# compiles in far less of CI's 45 minutes); FUZZ_CONFIG=release for long `make fuzz` runs. `make fuzz` runs every harness for
# FUZZ_SECONDS each (FUZZ_FLAGS adds libFuzzer flags, e.g. -jobs=2); `fuzz-smoke` (in `make test`)
# runs each over its seed corpus and on to FUZZ_RUNS inputs, at most FUZZ_SMOKE_SECONDS. Both fail on any crash, hang or
# memory blow-up; inputs found are kept in .build-fuzz/corpus, crashes in .build-fuzz/artifacts.
FUZZ_CONFIG ?= debug
FUZZ_BUILD := FAFANG_FUZZ=1 $(SWIFT) build -c $(FUZZ_CONFIG) --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
FUZZ_BIN := .build-fuzz/$(FUZZ_CONFIG)
FUZZ_HARNESSES := $(addprefix fafang-fuzz:,csv goals-text ledger-csv settings project register villages transfers holidays xlsx docx ooxml-parts gateway-replies) \
	$(addprefix fafang-fuzz-admin:,ledger-json receipts console-forms)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 3000
FUZZ_SMOKE_SECONDS ?= 5

fuzz-build:
	$(FUZZ_BUILD) --product fafang-fuzz
	$(FUZZ_BUILD) --product fafang-fuzz-admin

fuzz: fuzz-build
	Fuzz/run.sh $(FUZZ_BIN) fuzz $(FUZZ_SECONDS) 0 $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-build
	Fuzz/run.sh $(FUZZ_BIN) smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_RUNS) $(FUZZ_HARNESSES)

# Regenerate China's holidays and 调休 working days from the chinesecalendar package (PyPI):
# review the diff (the office may have edited the file) before committing.
holiday-calendar:
	python3 -c "import chinese_calendar" 2>/dev/null || pip install chinesecalendar
	python3 scripts/make-holiday-calendar.py > Config/calendar/cn-holidays.csv.new
	mv Config/calendar/cn-holidays.csv.new Config/calendar/cn-holidays.csv

# Kill -9 the daemon at random moments while it sends; lost must be 0.
crash-test: build
	.build/debug/fafang-bench crash --messages $(or $(MESSAGES),5000) --kills $(or $(KILLS),10) --fafang $(BIN)

# Three daemons on one private PostgreSQL, a random one killed -9 and restarted each round: lost
# must be 0, and no two attempts of one key may reach the sink at once.
crash-test-pg: build
	.build/debug/fafang-bench crash --store postgresql --daemons $(or $(DAEMONS),3) --messages $(or $(MESSAGES),20000) --kills $(or $(KILLS),20) --fafang $(BIN)

# The engine against wrk on a local sink (release build).
bench-http:
	$(SWIFT) build $(RELEASE_FLAGS) --product fafang-bench
	.build/release/fafang-bench http --requests $(or $(REQUESTS),100000) --concurrency $(or $(CONCURRENCY),32)

# Messages/s from a committed ledger through the release daemon to a local sink, next to wrk.
bench-e2e:
	$(SWIFT) build $(RELEASE_FLAGS)
	.build/release/fafang-bench e2e --households $(or $(HOUSEHOLDS),20000) --fafang .build/release/fafang

# The floor of the outbox's SQLite work: 3 writes per message from C (compare fafang-bench store).
bench-sqlite-floor:
	mkdir -p .build
	$(CC) -O2 Benchmarks/sqlite-floor/floor.c -o .build/sqlite-floor -lsqlite3
	.build/sqlite-floor $(or $(MESSAGES),20000)

# The release daemon's CPU use and resident memory over an idle minute (goal: ≤ 30 MB RSS).
bench-idle:
	$(SWIFT) build $(RELEASE_FLAGS)
	.build/release/fafang-bench idle --fafang .build/release/fafang $(if $(IDLE_SECONDS),--seconds $(IDLE_SECONDS))

# A county-sized register (HOUSEHOLDS, default 1,000,000) and bank file (LEDGER_ROWS, default
# 200,000) through check, plan, ledger import and run-to-READY: seconds and peak RSS next to the
# targets (≤ 5 s and ≤ 400 MB; import ≤ 10 s). COMPARE=other/fafang runs that binary on the same
# files too; GB18030=1 writes the files as Chinese Excel saves CSV; SCALE_DIR=DIR keeps the
# generated files there (and reuses them next time).
# Each console page and /metrics of fafang run on 1,000,000 payees, payments and messages (≤ 200 ms).
# The outbox worked off on SQLite, by 1, 2 and 3 daemons on one private PostgreSQL, and by
# pgqueuer (PyPI) doing the same signed POST per job: messages/s and CPU per message, one run.
bench-outbox:
	$(SWIFT) build $(RELEASE_FLAGS)
	.build/release/fafang-bench outbox --messages $(or $(MESSAGES),20000) --fafang .build/release/fafang

bench-console:
	$(SWIFT) build $(RELEASE_FLAGS)
	.build/release/fafang-bench console --households $(or $(HOUSEHOLDS),1000000) --fafang .build/release/fafang \
		$(if $(CONSOLE_DIR),--directory $(CONSOLE_DIR))

bench-scale:
	$(SWIFT) build $(RELEASE_FLAGS)
	.build/release/fafang-bench scale --households $(or $(HOUSEHOLDS),1000000) --ledger-rows $(or $(LEDGER_ROWS),200000) \
		--fafang .build/release/fafang $(if $(COMPARE),--fafang $(COMPARE)) $(if $(GB18030),--gb18030) $(if $(SCALE_DIR),--directory $(SCALE_DIR))

# Installs the release binary, the configuration (/etc/fafang, never overwriting an existing
# one), the templates, the systemd unit and the fafang system user (sysusers.d), then creates the
# secrets that are missing (random). DESTDIR stages it elsewhere (no user is created then). The
# same steps as the .deb's (scripts/install-fafang.sh); `make deb` is the packaged way.
PREFIX ?= /usr/local
install:
	$(SWIFT) build $(RELEASE_FLAGS) --product fafang
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' scripts/install-fafang.sh
	scripts/create-secrets.sh $(DESTDIR)/etc/fafang/secrets
	@if [ -z "$(DESTDIR)" ]; then systemd-sysusers /etc/sysusers.d/fafang.conf && systemd-tmpfiles --create /etc/tmpfiles.d/fafang.conf; fi
	@echo "installed; configure /etc/fafang (README \"Running as a service\"), then:"
	@echo "  touch /etc/fafang/configured && systemctl daemon-reload && systemctl enable --now fafang"

# The Debian package (README "Running as a service"): debian/rules with debhelper, one release
# build of fafang ($(RELEASE_FLAGS), which carries DWARF: dh_strip moves it into fafang-dbgsym).
# The .deb files, .buildinfo and .changes go to DEB_DIR, never into the tree; the version is
# debian/changelog's. scripts/check-deb.sh (in `make test`, root) installs, upgrades and purges it.
DEB_DIR ?= .build/deb
DEB_VERSION = $(shell dpkg-parsechangelog -SVersion)
DEB_ARCH = $(shell dpkg-architecture -qDEB_HOST_ARCH)
DEB_OUT = $(abspath $(DEB_DIR))/fafang_$(DEB_VERSION)_$(DEB_ARCH)
deb:
	mkdir -p $(DEB_DIR)
	SWIFT='$(SWIFT)' RELEASE_FLAGS='$(RELEASE_FLAGS)' DEB_DIR='$(abspath $(DEB_DIR))' \
		dpkg-buildpackage --build=binary --no-sign \
		--buildinfo-file=$(DEB_OUT).buildinfo --buildinfo-option=-u$(abspath $(DEB_DIR)) \
		--changes-file=$(DEB_OUT).changes --changes-option=-u$(abspath $(DEB_DIR))
	@ls -l $(DEB_DIR)/*_$(DEB_VERSION)_$(DEB_ARCH).deb

clean:
	rm -rf .build .build-fuzz
