package secrets

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// NewMemoryBackend returns a Backend that keeps secrets in a map, for tests
// of packages that use a Store: New("test", WithBackend(NewMemoryBackend())).
// It behaves like go-keyring (keyring.ErrNotFound for a missing secret,
// Set replaces), is safe for concurrent use, and never touches the OS
// keychain. Each call returns a fresh, empty backend.
func NewMemoryBackend() Backend {
	return &memoryBackend{items: make(map[memoryKey]string)}
}

type memoryKey struct{ service, user string }

type memoryBackend struct {
	mu    sync.Mutex
	items map[memoryKey]string
}

func (m *memoryBackend) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[memoryKey{service, user}]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (m *memoryBackend) Set(service, user, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[memoryKey{service, user}] = password
	return nil
}

func (m *memoryBackend) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memoryKey{service, user}
	if _, ok := m.items[k]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.items, k)
	return nil
}
