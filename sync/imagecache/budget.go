package imagecache

// SetBudget changes the most the folder holds, in bytes (0 is
// DefaultBudget), and at once removes the pictures used least recently
// until it fits, so a smaller size chosen in the settings frees the disk
// without a restart. MaxItem stays as the cache was opened with.
func (c *Cache) SetBudget(n int64) {
	if n <= 0 {
		n = DefaultBudget
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = n
	c.evictLocked("")
}
