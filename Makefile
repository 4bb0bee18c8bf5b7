# Merchant Inbox. `make run` and `make test` install what they need (Debian
# packages via scripts/deps.sh, the Go toolchain via the module proxy).

# Go 1.26 before 1.26.10 trusts the compromised eMudhra CA keys; the machine
# default may be older and ignores go.mod's toolchain line when
# GOTOOLCHAIN=local, so pin the toolchain here for every target.
export GOTOOLCHAIN := go1.27.3

GO      ?= go
BIN     := bin/merchant-inbox
LISTEN  ?= 127.0.0.1:8765

# The version is FyneApp.toml's, linked into the binary (app.Version); a
# binary built without make reports what the Go toolchain stamped instead.
VERSION := $(shell sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X github.com/merchant-inbox/merchant-inbox/app.version=$(VERSION)

.PHONY: all build run demo demo-display screenshots test vet bench clean package package-test

all: build

# The window needs cgo and the GL/X11/Wayland headers (scripts/deps.sh ui).
build:
	bash scripts/deps.sh ui
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Where there is a display, the desktop app (tray and window); where there is
# none, the headless engine (serve). Both receive webhooks on $(LISTEN) (and
# on ngrok when an ngrok-authtoken is in the keychain; NGROK_DOMAIN=name.ngrok.app
# for a static domain) and run the daily poll. Without a desktop session bus
# (a bare server or container) the keychain is a throw-away gnome-keyring
# that lives as long as this run.
ENGINE_FLAGS := --listen $(LISTEN) $(if $(NGROK_DOMAIN),--domain $(NGROK_DOMAIN))

run: build
	bash scripts/deps.sh run
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then cmd="app $(ENGINE_FLAGS)"; else cmd="serve $(ENGINE_FLAGS)"; fi; \
	if [ -n "$$DBUS_SESSION_BUS_ADDRESS" ]; then \
		./$(BIN) $$cmd; \
	else \
		echo "make run: no D-Bus session; using a temporary keychain that is discarded on exit" >&2; \
		bash scripts/with-keyring.sh ./$(BIN) $$cmd; \
	fi

# The real app against a sandbox on 127.0.0.1 (internal/demo): a fake Graph
# API and a fake Shopify playing a small shop, and a customer who writes
# every 5 to 20 seconds. No accounts needed. Its data is a temporary
# directory and its keychain service "merchant-inbox-demo", both removed when
# the app quits (or on Ctrl-C); without a running Secret Service the keychain
# is a throw-away gnome-keyring.
DEMO_BIN := bin/merchant-inbox-demo

demo: demo-display build
	bash scripts/deps.sh run demo
	$(GO) build -trimpath -o $(DEMO_BIN) ./cmd/merchant-inbox-demo
	@if bash scripts/has-secret-service.sh; then \
		./$(DEMO_BIN); \
	else \
		echo "make demo: no Secret Service on a D-Bus session; using a temporary keychain that is discarded on exit" >&2; \
		bash scripts/with-keyring.sh ./$(DEMO_BIN); \
	fi

# Said before anything is built.
demo-display:
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "make demo: no display (DISPLAY or WAYLAND_DISPLAY is unset): the demo is a window; 'make screenshots' shows it without one" >&2; exit 1; \
	fi

# The README's pictures: the demo on a private Xvfb display, always with a
# private keychain. Regenerated, never edited by hand.
screenshots: build
	bash scripts/deps.sh run shots
	$(GO) build -trimpath -o $(DEMO_BIN) ./cmd/merchant-inbox-demo
	bash scripts/with-keyring.sh bash scripts/screenshots.sh

vet:
	bash scripts/deps.sh ui
	$(GO) vet ./...

# The code must build on Windows and macOS too: vet type-checks every file,
# tests included, for each, without cgo (a build without cgo is the headless
# engine and its commands). Fyne's macOS internals need cgo, so macOS is
# vetted on the packages below app and ui, which hold everything
# macOS-specific of ours. Only the first run per machine compiles the
# standard library for them; after that the build cache makes it seconds.
.PHONY: vet-cross
vet-cross:
	CGO_ENABLED=0 GOOS=windows $(GO) vet ./sync/... ./app/... ./ui/...
	CGO_ENABLED=0 GOOS=darwin $(GO) vet ./sync/... ./app/internal/...

test: vet-cross

# Building and installing the Linux package takes about half a minute from
# a warm build cache, so every test run checks it end to end.
test: package-test

# Every test, with the race detector, against a real Secret Service
# (gnome-keyring in a private D-Bus session). The tests that need a tool
# deps.sh installs (desktop-file-validate) fail without it rather than skip.
#
# vet runs without cgo: that leaves out only Fyne's OpenGL driver (and the
# three lines that start it), whose C sources would otherwise be compiled a
# second time, for vet, beside the race-detector build the tests need.
test:
	bash scripts/deps.sh test ui
	CGO_ENABLED=0 $(GO) vet ./...
	MERCHANT_INBOX_TEST_TOOLS=require bash scripts/with-keyring.sh $(GO) test -race -count=1 ./...

# The Linux package (a tarball with the binary, the .desktop file, the icon
# and a Makefile that installs them), made by Fyne's packaging tool, pinned
# here and installed into bin/tools, never globally. The binary is built
# stripped, with the version linked in as for `make build`.
FYNE_TOOLS := fyne.io/tools/cmd/fyne@v1.7.4
FYNE       := bin/tools/$(notdir $(FYNE_TOOLS))/fyne
GOARCH     := $(shell $(GO) env GOARCH)
PACKAGE    := bin/merchant-inbox-$(VERSION)-linux-$(GOARCH).tar.xz

$(FYNE):
	GOBIN=$(CURDIR)/$(dir $(FYNE)) $(GO) install $(FYNE_TOOLS)

package: $(FYNE)
	bash scripts/deps.sh ui package
	$(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o bin/package/merchant-inbox .
	bash scripts/package-linux.sh $(FYNE) bin/package/merchant-inbox $(PACKAGE)

# Installs the package into a temporary home and prefix and checks it.
package-test: package
	bash scripts/package-test.sh $(PACKAGE)

# Benchmarks; results and the machine they ran on go in docs/benchmarks.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
