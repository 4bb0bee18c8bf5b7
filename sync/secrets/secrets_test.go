package secrets_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// testSecret is a value distinctive enough to search error text for.
const testSecret = "EAAG-s3cr3t-VALUE-do-not-leak"

func TestStoreMemoryBackend(t *testing.T) {
	ctx := context.Background()
	page := secrets.PageToken("1234567890")

	type step struct {
		op      string // get, set, delete
		name    secrets.Name
		value   string // for set: the value; for get: the expected value
		wantErr error  // nil, or a sentinel errors.Is must match
	}
	tests := []struct {
		title string
		steps []step
	}{
		{"get missing", []step{
			{"get", secrets.FacebookAppSecret, "", secrets.ErrNotFound},
		}},
		{"set then get", []step{
			{"set", secrets.FacebookAppSecret, "v1", nil},
			{"get", secrets.FacebookAppSecret, "v1", nil},
		}},
		{"overwrite", []step{
			{"set", secrets.NgrokAuthtoken, "v1", nil},
			{"set", secrets.NgrokAuthtoken, "v2", nil},
			{"get", secrets.NgrokAuthtoken, "v2", nil},
		}},
		{"delete then get", []step{
			{"set", page, "page-token", nil},
			{"get", page, "page-token", nil},
			{"delete", page, "", nil},
			{"get", page, "", secrets.ErrNotFound},
		}},
		{"delete missing", []step{
			{"delete", secrets.ShopifyClientSecret, "", secrets.ErrNotFound},
		}},
		{"delete twice", []step{
			{"set", secrets.ShopifyClientID, "id", nil},
			{"delete", secrets.ShopifyClientID, "", nil},
			{"delete", secrets.ShopifyClientID, "", secrets.ErrNotFound},
		}},
		{"names are separate", []step{
			{"set", secrets.FacebookAppID, "app-id", nil},
			{"set", secrets.PageToken("1"), "one", nil},
			{"set", secrets.PageToken("11"), "eleven", nil},
			{"get", secrets.FacebookAppID, "app-id", nil},
			{"get", secrets.FacebookAppSecret, "", secrets.ErrNotFound},
			{"get", secrets.PageToken("1"), "one", nil},
			{"get", secrets.PageToken("11"), "eleven", nil},
		}},
		{"unicode value", []step{
			{"set", secrets.FacebookVerifyToken, "pässwörd ✓ with inner spaces", nil},
			{"get", secrets.FacebookVerifyToken, "pässwörd ✓ with inner spaces", nil},
		}},
		{"invalid value leaves old value", []step{
			{"set", secrets.FacebookAppSecret, "good", nil},
			{"set", secrets.FacebookAppSecret, "bad\n", secrets.ErrInvalidValue},
			{"get", secrets.FacebookAppSecret, "good", nil},
		}},
		{"invalid names", []step{
			{"get", secrets.PageToken("abc"), "", secrets.ErrInvalidName},
			{"set", "facebook-app-secret ", "v", secrets.ErrInvalidName},
			{"delete", "", "", secrets.ErrInvalidName},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			s := secrets.New("test", secrets.WithBackend(secrets.NewMemoryBackend()))
			for i, st := range tt.steps {
				var err error
				switch st.op {
				case "get":
					var got string
					got, err = s.Get(ctx, st.name)
					if err == nil && got != st.value {
						t.Fatalf("step %d: Get(%s) = %q, want %q", i, st.name, got, st.value)
					}
					if err != nil && got != "" {
						t.Fatalf("step %d: Get(%s) returned %q with error %v", i, st.name, got, err)
					}
				case "set":
					err = s.Set(ctx, st.name, st.value)
				case "delete":
					err = s.Delete(ctx, st.name)
				}
				if st.wantErr == nil && err != nil {
					t.Fatalf("step %d: %s(%s): %v", i, st.op, st.name, err)
				}
				if st.wantErr != nil && !errors.Is(err, st.wantErr) {
					t.Fatalf("step %d: %s(%s) error = %v, want %v", i, st.op, st.name, err, st.wantErr)
				}
			}
		})
	}
}

func TestSetRejectsBadValues(t *testing.T) {
	tests := []struct {
		title, value, reason string
	}{
		{"empty", "", "empty"},
		{"trailing newline", testSecret + "\n", "control character"},
		{"trailing CRLF", testSecret + "\r\n", "control character"},
		{"inner newline", testSecret + "\n" + testSecret, "control character"},
		{"NUL", testSecret + "\x00", "control character"},
		{"only NULs", "\x00\x00", "control character"},
		{"tab", "a\tb", "control character"},
		{"DEL", "a\x7fb", "control character"},
		{"C1 control", "a\u0085b", "control character"},
		{"invalid UTF-8", testSecret + "\xff", "not valid UTF-8"},
		{"leading space", " " + testSecret, "whitespace"},
		{"trailing space", testSecret + " ", "whitespace"},
		{"only spaces", "   ", "whitespace"},
		{"no-break space", testSecret + "\u00a0", "whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			b := &recordingBackend{Backend: secrets.NewMemoryBackend()}
			s := secrets.New("test", secrets.WithBackend(b))
			err := s.Set(context.Background(), secrets.FacebookAppSecret, tt.value)
			if !errors.Is(err, secrets.ErrInvalidValue) {
				t.Fatalf("Set(%q) error = %v, want ErrInvalidValue", tt.value, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("Set(%q) error %q, want it to say %q", tt.value, err, tt.reason)
			}
			assertNoSecret(t, err)
			if len(b.calls()) != 0 {
				t.Errorf("backend was called for an invalid value: %v", b.calls())
			}
		})
	}
}

// The Store must address the keychain as (service, name): that is the
// layout a user finds with secret-tool / Keychain Access.
func TestStorePassesServiceAndName(t *testing.T) {
	b := &recordingBackend{Backend: secrets.NewMemoryBackend()}
	s := secrets.New("svc-x", secrets.WithBackend(b))
	ctx := context.Background()
	n := secrets.PageToken("42")
	if err := s.Set(ctx, n, "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, n); err != nil {
		t.Fatal(err)
	}
	want := []string{"set svc-x facebook-page-token:42", "get svc-x facebook-page-token:42", "delete svc-x facebook-page-token:42"}
	if got := b.calls(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backend calls = %q, want %q", got, want)
	}
}

func TestNewDefaults(t *testing.T) {
	b := &recordingBackend{Backend: secrets.NewMemoryBackend()}
	// Empty service means DefaultService; nil backend and a zero timeout
	// keep the defaults rather than disabling anything.
	s := secrets.New("", secrets.WithBackend(b), secrets.WithBackend(nil), secrets.WithTimeout(0), secrets.WithTimeout(-time.Second))
	if _, err := s.Get(context.Background(), secrets.NgrokAuthtoken); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("Get: %v", err)
	}
	if got := b.calls(); len(got) != 1 || got[0] != "get "+secrets.DefaultService+" ngrok-authtoken" {
		t.Errorf("backend calls = %q", got)
	}
}

// An empty keychain item (written by something else; Set refuses "") is
// reported as missing, never handed out as a usable token.
func TestGetEmptyItemIsNotFound(t *testing.T) {
	b := secrets.NewMemoryBackend()
	if err := b.Set("test", string(secrets.FacebookAppSecret), ""); err != nil {
		t.Fatal(err)
	}
	s := secrets.New("test", secrets.WithBackend(b))
	v, err := s.Get(context.Background(), secrets.FacebookAppSecret)
	if !errors.Is(err, secrets.ErrNotFound) || v != "" {
		t.Fatalf("Get = %q, %v; want ErrNotFound", v, err)
	}
}

func TestBackendErrorsMap(t *testing.T) {
	cause := errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")
	tests := []struct {
		title   string
		err     error
		want    error
		wantMsg string
	}{
		{"keyring not found", keyring.ErrNotFound, secrets.ErrNotFound, "secrets: get facebook-app-secret: not found in the OS keychain"},
		{"wrapped keyring not found", fmt.Errorf("lookup: %w", keyring.ErrNotFound), secrets.ErrNotFound, "not found"},
		{"package not found", secrets.ErrNotFound, secrets.ErrNotFound, "not found"},
		{"too big", keyring.ErrSetDataTooBig, secrets.ErrInvalidValue, "too large"},
		{"no secret service", cause, secrets.ErrUnavailable, "secrets: get facebook-app-secret: OS keychain unavailable: " + cause.Error()},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), secrets.ErrUnavailable, "failed to unlock"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			s := secrets.New("test", secrets.WithBackend(errBackend{tt.err}))
			ctx := context.Background()
			_, getErr := s.Get(ctx, secrets.FacebookAppSecret)
			setErr := s.Set(ctx, secrets.FacebookAppSecret, testSecret)
			delErr := s.Delete(ctx, secrets.FacebookAppSecret)
			for op, err := range map[string]error{"get": getErr, "set": setErr, "delete": delErr} {
				if !errors.Is(err, tt.want) {
					t.Errorf("%s error = %v, want %v", op, err, tt.want)
				}
				if !strings.Contains(err.Error(), strings.Replace(tt.wantMsg, "get", op, 1)) {
					t.Errorf("%s error %q, want it to contain %q", op, err, tt.wantMsg)
				}
				// A missing secret is not an outage, and an outage must
				// never look like a missing secret.
				if tt.want != secrets.ErrNotFound && errors.Is(err, secrets.ErrNotFound) {
					t.Errorf("%s error %v matches ErrNotFound", op, err)
				}
				if tt.want != secrets.ErrUnavailable && errors.Is(err, secrets.ErrUnavailable) {
					t.Errorf("%s error %v matches ErrUnavailable", op, err)
				}
			}
		})
	}
}

// A backend that echoes its arguments in errors (or panics with them) must
// not get the secret into the Store's error.
func TestErrorsNeverContainTheSecret(t *testing.T) {
	ctx := context.Background()
	t.Run("echoing backend", func(t *testing.T) {
		s := secrets.New("test", secrets.WithBackend(echoBackend{}))
		err := s.Set(ctx, secrets.FacebookAppSecret, testSecret)
		if !errors.Is(err, secrets.ErrUnavailable) {
			t.Fatalf("Set error = %v, want ErrUnavailable", err)
		}
		assertNoSecret(t, err)
		if !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("error %q lost the scrubbed backend message", err)
		}
	})
	t.Run("panicking backend", func(t *testing.T) {
		s := secrets.New("test", secrets.WithBackend(echoBackend{panics: true}))
		err := s.Set(ctx, secrets.FacebookAppSecret, testSecret)
		if !errors.Is(err, secrets.ErrUnavailable) {
			t.Fatalf("Set error = %v, want ErrUnavailable", err)
		}
		assertNoSecret(t, err)
	})
	t.Run("timeout", func(t *testing.T) {
		b := newBlockingBackend(t)
		s := secrets.New("test", secrets.WithBackend(b), secrets.WithTimeout(20*time.Millisecond))
		err := s.Set(ctx, secrets.FacebookAppSecret, testSecret)
		if !errors.Is(err, secrets.ErrUnavailable) {
			t.Fatalf("Set error = %v, want ErrUnavailable", err)
		}
		assertNoSecret(t, err)
	})
	t.Run("invalid value", func(t *testing.T) {
		s := secrets.New("test", secrets.WithBackend(secrets.NewMemoryBackend()))
		err := s.Set(ctx, secrets.FacebookAppSecret, testSecret+"\n")
		assertNoSecret(t, err)
	})
}

func TestTimeout(t *testing.T) {
	ops := []struct {
		op   string
		call func(context.Context, *secrets.Store) error
	}{
		{"get", func(ctx context.Context, s *secrets.Store) error {
			_, err := s.Get(ctx, secrets.FacebookAppSecret)
			return err
		}},
		{"set", func(ctx context.Context, s *secrets.Store) error {
			return s.Set(ctx, secrets.FacebookAppSecret, "v")
		}},
		{"delete", func(ctx context.Context, s *secrets.Store) error {
			return s.Delete(ctx, secrets.FacebookAppSecret)
		}},
	}
	for _, o := range ops {
		t.Run(o.op+"/store timeout", func(t *testing.T) {
			b := newBlockingBackend(t)
			s := secrets.New("test", secrets.WithBackend(b), secrets.WithTimeout(50*time.Millisecond))
			start := time.Now()
			err := o.call(context.Background(), s)
			if !errors.Is(err, secrets.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want ErrUnavailable and DeadlineExceeded", err)
			}
			if errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("timeout matches ErrNotFound: %v", err)
			}
			if !strings.Contains(err.Error(), "no answer within") {
				t.Errorf("error %q does not explain the timeout", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("call returned after %s, want about 50ms", d)
			}
			if !b.wasCalled() {
				t.Error("backend was not called")
			}
		})
		t.Run(o.op+"/context deadline", func(t *testing.T) {
			b := newBlockingBackend(t)
			s := secrets.New("test", secrets.WithBackend(b), secrets.WithTimeout(time.Hour))
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err := o.call(ctx, s)
			if !errors.Is(err, secrets.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want ErrUnavailable and DeadlineExceeded", err)
			}
		})
		t.Run(o.op+"/context cancelled", func(t *testing.T) {
			b := newBlockingBackend(t)
			s := secrets.New("test", secrets.WithBackend(b), secrets.WithTimeout(time.Hour))
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-b.started
				cancel()
			}()
			err := o.call(ctx, s)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error = %v, want context.Canceled", err)
			}
			// The caller gave up; that says nothing about the keychain.
			if errors.Is(err, secrets.ErrUnavailable) || errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("cancellation reported as a keychain result: %v", err)
			}
		})
		t.Run(o.op+"/context already done", func(t *testing.T) {
			b := newBlockingBackend(t)
			s := secrets.New("test", secrets.WithBackend(b))
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := o.call(ctx, s)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error = %v, want context.Canceled", err)
			}
			if b.wasCalled() {
				t.Error("backend called with a done context")
			}
		})
	}
}

// A slow but answering backend within the timeout is fine.
func TestSlowBackendWithinTimeout(t *testing.T) {
	b := &slowBackend{Backend: secrets.NewMemoryBackend(), delay: 20 * time.Millisecond}
	s := secrets.New("test", secrets.WithBackend(b), secrets.WithTimeout(5*time.Second))
	ctx := context.Background()
	if err := s.Set(ctx, secrets.NgrokAuthtoken, "tok"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, secrets.NgrokAuthtoken); err != nil || v != "tok" {
		t.Fatalf("Get = %q, %v", v, err)
	}
}

// The memory backend and Store are used concurrently by other packages'
// tests; -race checks this.
func TestConcurrentUse(t *testing.T) {
	s := secrets.New("test", secrets.WithBackend(secrets.NewMemoryBackend()))
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := secrets.PageToken(fmt.Sprint(i))
			for j := range 50 {
				v := fmt.Sprintf("v%d-%d", i, j)
				if err := s.Set(ctx, n, v); err != nil {
					t.Error(err)
					return
				}
				if got, err := s.Get(ctx, n); err != nil || got != v {
					t.Errorf("Get(%s) = %q, %v; want %q", n, got, err, v)
					return
				}
			}
			if err := s.Delete(ctx, n); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestMemoryBackendsAreIndependent(t *testing.T) {
	a, b := secrets.NewMemoryBackend(), secrets.NewMemoryBackend()
	if err := a.Set("s", "u", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get("s", "u"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("second backend Get = %v, want keyring.ErrNotFound", err)
	}
	if _, err := a.Get("other", "u"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("other service Get = %v, want keyring.ErrNotFound", err)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(s, testSecret) || strings.Contains(s, "s3cr3t") {
			t.Errorf("error text contains the secret: %s", s)
		}
	}
	// Nor may the secret be reachable by unwrapping.
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if strings.Contains(e.Error(), "s3cr3t") {
			t.Errorf("wrapped error contains the secret: %q", e)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
}

// recordingBackend records each call as "op service user".
type recordingBackend struct {
	secrets.Backend
	mu  sync.Mutex
	log []string
}

func (r *recordingBackend) record(op, service, user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, op+" "+service+" "+user)
}

func (r *recordingBackend) calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

func (r *recordingBackend) Get(service, user string) (string, error) {
	r.record("get", service, user)
	return r.Backend.Get(service, user)
}

func (r *recordingBackend) Set(service, user, password string) error {
	r.record("set", service, user)
	return r.Backend.Set(service, user, password)
}

func (r *recordingBackend) Delete(service, user string) error {
	r.record("delete", service, user)
	return r.Backend.Delete(service, user)
}

// errBackend fails every call with err.
type errBackend struct{ err error }

func (b errBackend) Get(string, string) (string, error) { return "", b.err }
func (b errBackend) Set(string, string, string) error   { return b.err }
func (b errBackend) Delete(string, string) error        { return b.err }

// echoBackend fails (or panics) with a message that quotes the password,
// the worst a third-party backend could do.
type echoBackend struct{ panics bool }

func (b echoBackend) Get(service, user string) (string, error) {
	return "", fmt.Errorf("get %s/%s failed", service, user)
}

func (b echoBackend) Set(service, user, password string) error {
	if b.panics {
		panic("cannot encode password " + password)
	}
	return fmt.Errorf("dbus: cannot store %q for %s/%s", password, service, user)
}

func (b echoBackend) Delete(service, user string) error {
	return fmt.Errorf("delete %s/%s failed", service, user)
}

// blockingBackend blocks every call until the test ends, like a D-Bus call
// waiting on a password prompt nobody answers.
type blockingBackend struct {
	release chan struct{}
	started chan struct{} // receives once per call, if anyone listens
	mu      sync.Mutex
	called  bool
}

func newBlockingBackend(t *testing.T) *blockingBackend {
	b := &blockingBackend{release: make(chan struct{}), started: make(chan struct{}, 1)}
	// Let the abandoned goroutines finish so the test leaves none behind.
	t.Cleanup(func() { close(b.release) })
	return b
}

func (b *blockingBackend) block() {
	b.mu.Lock()
	b.called = true
	b.mu.Unlock()
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-b.release
}

func (b *blockingBackend) wasCalled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.called
}

func (b *blockingBackend) Get(string, string) (string, error) { b.block(); return "late", nil }
func (b *blockingBackend) Set(string, string, string) error   { b.block(); return nil }
func (b *blockingBackend) Delete(string, string) error        { b.block(); return nil }

// slowBackend delays every call.
type slowBackend struct {
	secrets.Backend
	delay time.Duration
}

func (b *slowBackend) Get(service, user string) (string, error) {
	time.Sleep(b.delay)
	return b.Backend.Get(service, user)
}

func (b *slowBackend) Set(service, user, password string) error {
	time.Sleep(b.delay)
	return b.Backend.Set(service, user, password)
}

func (b *slowBackend) Delete(service, user string) error {
	time.Sleep(b.delay)
	return b.Backend.Delete(service, user)
}
