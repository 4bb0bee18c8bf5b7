package imagecache

import (
	"container/list"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// index is what the folder holds, least recently used at the back. It is
// guarded by Cache.mu.
type index struct {
	order *list.List               // of *entry, most recent first
	byKey map[string]*list.Element // key -> element of order
	total int64
}

type entry struct {
	key  string
	size int64
}

const tmpPrefix = ".tmp-"

// scan reads the folder an earlier run left: every file named by a key,
// ordered by modification time (the last use). Half-written files of a
// run that stopped mid-write are removed.
func scan(dir string) (*index, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("imagecache: %w", err)
	}
	type found struct {
		entry
		used time.Time
	}
	var all []found
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, tmpPrefix) {
			_ = os.Remove(filepath.Join(dir, name))
			continue
		}
		if !de.Type().IsRegular() || !isKey(name) {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		all = append(all, found{entry{name, fi.Size()}, fi.ModTime()})
	}
	slices.SortFunc(all, func(a, b found) int {
		if c := b.used.Compare(a.used); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	idx := &index{order: list.New(), byKey: make(map[string]*list.Element, len(all))}
	for _, f := range all {
		idx.byKey[f.key] = idx.order.PushBack(&entry{f.key, f.size})
		idx.total += f.size
	}
	return idx, nil
}

func isKey(name string) bool {
	if len(name) != 64 {
		return false
	}
	for _, r := range name {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, key) }

// read returns a kept picture and records its use.
func (c *Cache) read(key string) ([]byte, bool) {
	c.mu.Lock()
	el, ok := c.idx.byKey[key]
	if ok {
		c.idx.order.MoveToFront(el)
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		// Removed behind the cache's back (or evicted this instant):
		// forget it, and fetch again.
		c.mu.Lock()
		if el, ok := c.idx.byKey[key]; ok && errors.Is(err, fs.ErrNotExist) {
			c.drop(el)
		}
		c.mu.Unlock()
		return nil, false
	}
	now := c.now()
	_ = os.Chtimes(c.path(key), now, now) // the use, for the next run's order
	return data, true
}

// store writes a fetched picture (whole or not at all) and makes room
// for it.
func (c *Cache) store(key string, data []byte) error {
	f, err := os.CreateTemp(c.dir, tmpPrefix)
	if err != nil {
		return fmt.Errorf("imagecache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		now := c.now()
		_ = os.Chtimes(f.Name(), now, now)
		err = os.Rename(f.Name(), c.path(key))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("imagecache: keeping an image: %w", err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.idx.byKey[key]; ok { // fetched again after a failed read
		c.drop(el)
	}
	c.idx.byKey[key] = c.idx.order.PushFront(&entry{key, int64(len(data))})
	c.idx.total += int64(len(data))
	c.evictLocked(key)
	return nil
}

// evictLocked removes the least recently used pictures until the folder
// is within its budget, never keep (the picture just stored).
func (c *Cache) evictLocked(keep string) {
	for c.idx.total > c.budget {
		el := c.idx.order.Back()
		if el == nil || el.Value.(*entry).key == keep {
			return
		}
		e := el.Value.(*entry)
		if err := os.Remove(c.path(e.key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return // try again at the next store rather than lose track
		}
		c.drop(el)
	}
}

func (c *Cache) drop(el *list.Element) {
	e := el.Value.(*entry)
	c.idx.order.Remove(el)
	delete(c.idx.byKey, e.key)
	c.idx.total -= e.size
}
