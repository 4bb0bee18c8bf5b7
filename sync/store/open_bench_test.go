package store

import "testing"

// BenchmarkOpen opens and closes the large fixture, which the desktop app
// does before its window appears. bbolt reads the file's freelist into a
// map at open, and Open's schema check is a write transaction that
// rewrites it, so the cost follows the free pages a file has collected
// (reported as free-pages), not its conversations or messages.
func BenchmarkOpen(b *testing.B) {
	path := fixturePath(b)
	var free int
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		free = s.db.Stats().FreePageN
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(free), "free-pages")
}
