// Package retry runs an operation again when it failed for a reason that passes: a write that
// met a concurrent one (a transaction conflict, a version that moved, definitions that
// changed). There is one policy: exponential backoff with full jitter, never waiting past the
// caller's deadline.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Conflict marks err as worth another attempt.
func Conflict(err error) error { return &conflict{err: err} }

type conflict struct{ err error }

func (c *conflict) Error() string { return "conflict: " + c.err.Error() }
func (c *conflict) Unwrap() error { return c.err }

// Backoff bounds: the first wait is up to Base, each next one up to twice the last, at most Cap.
const (
	Base = 10 * time.Millisecond
	Cap  = 500 * time.Millisecond
)

// OnConflict calls fn (attempt 0, 1, …) until it returns something other than a Conflict, at
// most attempts times. Between attempts it waits a random time up to an exponentially growing
// bound ("full jitter": concurrent writers that met once rarely meet again). It returns the
// last error, unwrapped from Conflict, at once when ctx ends or when its deadline would pass
// during the wait.
func OnConflict(ctx context.Context, attempts int, fn func(attempt int) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(attempt)
		var c *conflict
		if !errors.As(err, &c) {
			return err
		}
		if attempt+1 >= attempts {
			return c.err
		}
		wait := Wait(attempt)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return c.err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.err
		case <-t.C:
		}
	}
}

// Wait is the time to wait after a failed attempt: uniform in [0, min(Cap, Base·2^attempt)].
func Wait(attempt int) time.Duration {
	bound := Base << min(attempt, 16)
	if bound > Cap || bound <= 0 {
		bound = Cap
	}
	return rand.N(bound + 1)
}
