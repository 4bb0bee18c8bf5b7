package imagecache

// Waiters counts the Gets waiting for url's fetch (0 when none runs).
func (c *Cache) Waiters(url string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.inflight[keyOf(url)]; cl != nil && !cl.abandoned {
		return cl.waiters
	}
	return 0
}
