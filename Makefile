# The two set-up commands of the README: `make serve` and `make test`.
# Each creates .venv, installs the package and the Debian packages it needs when missing,
# and is quick and quiet once everything is in place.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.xiaozhang-installed
LEDGER ?= ledger/main.beancount
HOST ?= 127.0.0.1
PORT ?= 5000

# Debian packages: CJK fonts for charts and PDFs; Chromium for the browser tests.
FONT_PKGS := fonts-noto-cjk fonts-wqy-zenhei
BROWSER_PKGS := chromium

.PHONY: serve test bench fuzz check example venv system-fonts system-browser clean

serve: venv system-fonts
	$(BIN)/xiaozhang serve $(LEDGER) --host $(HOST) --port $(PORT)

test: venv system-fonts system-browser
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/importers.py
	$(BIN)/python bench/canteen.py
	$(BIN)/python bench/assets.py
	$(BIN)/python bench/disclosure.py

fuzz: venv
	$(BIN)/python bench/fuzz_importers.py $(FUZZ_ARGS)

check: venv
	$(BIN)/xiaozhang check $(LEDGER)

example: venv
	$(BIN)/xiaozhang example --out ledger

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

# Install with apt-get when root, otherwise say exactly what to run.
define need_debian
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "安装系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "缺少系统软件包:$$missing"; \
	    echo "请运行: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

system-fonts:
	$(call need_debian,$(FONT_PKGS))

system-browser:
	$(call need_debian,$(BROWSER_PKGS))

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts bench/out
