# The two commands a fresh machine needs: `make demo` (grade the bundled samples) and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/release
# Debian packages the harness needs beyond the Swift toolchain.
# python3-seccomp: the tests' Docker-like confinement (scripts/docker-like-confinement.py).
# libtcmalloc-minimal4: the allocator the Swift compiler runs with (4 % faster compiles, docs/DECISIONS.md 79).
# chromium: the report.html test renders the page in a real headless browser.
SYSTEM_PACKAGES ?= libzip-dev pkg-config python3 bubblewrap libsqlite3-dev zip libtcmalloc-minimal4 python3-seccomp chromium
# The batch sandboxes with bubblewrap: as root with a uid and control group per job, otherwise in
# a user namespace. Only where bubblewrap cannot start at all does the demo grade unsandboxed.
# As root the sandbox runs as unprivileged users, who must be able to reach this checkout (a clone
# in a 0700 `mktemp -d` folder is not): there the demo grades unsandboxed too, and says so.
UNREACHABLE := $(shell [ "$$(id -u)" != 0 ] || setpriv --reuid=65534 --regid=65534 --clear-groups ls $(CURDIR)/rubric/data >/dev/null 2>&1 || echo yes)
RUN_FLAGS ?= $(if $(UNREACHABLE),--no-sandbox)
# Unsandboxed, the course's fork bomb and memory hog would take the machine's processes and memory
# from everyone after them (only the sandbox's control groups contain them): they are left out.
BATCH_FLAGS ?= $(if $(UNREACHABLE),--no-sandbox --exclude peggy rupert,$(shell bwrap --unshare-all --ro-bind / / true 2>/dev/null || echo --no-sandbox --exclude peggy rupert))
SAMPLES := reference submissions/skeleton submissions/partial submissions/trapping submissions/hanging

.PHONY: deps build demo test bench bench-speed bench-audit clean course hostile-zips dist

# Installs missing Debian packages when root; otherwise prints the exact command.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing system packages:$$missing; run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6 (https://swift.org/install) and put it on PATH"; exit 1; }

build: deps
	$(SWIFT) build -c release

demo: build
	@$(if $(UNREACHABLE),echo "NOTE: the sandbox's users cannot reach $(CURDIR) (a folder on its path lacks o+x): the demo grades WITHOUT the sandbox (clone into a reachable folder to see it sandboxed)";)
	@for s in $(SAMPLES); do \
	  echo; echo "################ exercise 2: $$s ################"; \
	  $(BIN)/grader run --bonus $(RUN_FLAGS) $$s || exit $$?; \
	done
	@echo; echo "################ hw5 (functional): reference ################"
	@$(BIN)/grader run --bonus $(RUN_FLAGS) --rubric rubric/hw5.json --report-dir grader-report reference
	@for s in reference submissions/modular-partial; do \
	  echo; echo "################ the modular exercise: $$s ################"; \
	  $(BIN)/grader run --bonus $(RUN_FLAGS) --rubric rubric/modular.json --report-dir grader-report $$s || exit $$?; \
	done
	@for r in csc321 tf2-cnn; do for s in reference submissions/$$r-partial; do \
	  echo; echo "################ the $$r exercise: $$s ################"; \
	  $(BIN)/grader run --bonus $(RUN_FLAGS) --rubric rubric/$$r.json --report-dir grader-report $$s || exit $$?; \
	done; done
	@echo; echo "Loss and accuracy curves: grader-report/*.svg"
	@$(MAKE) --no-print-directory course
	@echo; echo "################ TA batch: the sample course (hidden tests, --jobs 2) $(if $(BATCH_FLAGS),WITHOUT the sandbox (bubblewrap cannot start or cannot reach this checkout; peggy and rupert left out),sandboxed) ################"
	@$(BIN)/grader batch submissions/course --rubric rubric/course-hidden.json --reference reference --jobs 2 --out grader-out/course $(BATCH_FLAGS)
	@echo; cat grader-out/course/gradebook.csv; echo; head -20 grader-out/course/summary.md
	@echo; echo "Open grader-out/course/report.html in a browser (scores, pass rates, similarity clusters, each student's feedback)." 

# The grader packed to be copied to a course server: dist/grader-<version>/ and its .tar.gz.
dist: build
	bash scripts/make-dist.sh $(BIN) dist

# The sample course for `grader batch` (generated from reference/ and submissions/, git-ignored).
course:
	@rm -rf submissions/course && python3 scripts/make-course.py submissions/course

hostile-zips:
	python3 scripts/make-hostile-zips.py submissions/hostile

test: deps
	$(SWIFT) test

# Timings (BENCHMARKS.md, about 30 min) and rubric audits (AUDITS.md, about 50 min).
bench: bench-speed bench-audit

bench-speed: build course
	bash scripts/bench.sh

bench-audit: build
	bash scripts/bench-audit.sh

clean:
	rm -rf .build .build-* grader-out grader-report submissions/course dist
