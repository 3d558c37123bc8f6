package runtime

import (
	"container/list"
	"sync"
	"sync/atomic"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/vocab"
)

// Cache keeps compiled grammars by (key, vocabulary fingerprint): a server
// that sees the same schema again gets the same Compiled back, with every
// state mask already computed by earlier requests, instead of compiling it
// anew. The key names the grammar and its options (for example a SHA-256 of
// the schema text and the options); the vocabulary's Fingerprint is added
// to it. At most Max entries are kept, the least recently used leaving
// first. Concurrent requests for the same key compile once. Errors are
// cached too (compiling is deterministic). A Cache is safe for concurrent
// use.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[cacheKey]*cacheEntry
	lru     *list.List // of *cacheEntry, most recent first

	hits, misses atomic.Int64
}

type cacheKey struct {
	key   string
	vocab [32]byte
}

type cacheEntry struct {
	k    cacheKey
	done chan struct{} // closed when c and err are set
	c    *Compiled
	err  error
	elem *list.Element
}

// NewCache returns a cache of at most size compiled grammars (at least 1).
func NewCache(size int) *Cache {
	return &Cache{max: max(size, 1), entries: map[cacheKey]*cacheEntry{}, lru: list.New()}
}

// Get returns the Compiled for key and v, calling build to lower the
// grammar on a miss.
func (c *Cache) Get(key string, v *vocab.Vocabulary, build func() (*automaton.Program, error)) (*Compiled, error) {
	k := cacheKey{key, v.Fingerprint()}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok {
		c.lru.MoveToFront(e.elem)
		c.mu.Unlock()
		c.hits.Add(1)
		<-e.done
		return e.c, e.err
	}
	e := &cacheEntry{k: k, done: make(chan struct{})}
	e.elem = c.lru.PushFront(e)
	c.entries[k] = e
	for c.lru.Len() > c.max {
		old := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		delete(c.entries, old.k)
	}
	c.mu.Unlock()
	c.misses.Add(1)
	p, err := build()
	if err == nil {
		e.c = New(p, v)
	}
	e.err = err
	close(e.done)
	return e.c, e.err
}

// Stats returns the hits and misses so far and the entries held.
func (c *Cache) Stats() (hits, misses int64, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), c.lru.Len()
}
