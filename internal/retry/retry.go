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

	"github.com/aws/smithy-go"
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

// busyCodes are the errors of a service too busy to do a request now (DynamoDB's throttling,
// and a write that met a transaction in flight): the request did nothing, and the same one
// may be sent again later. The SDK's retryer has already tried it a few times.
var busyCodes = map[string]bool{
	"ThrottlingException": true, "ProvisionedThroughputExceededException": true, "RequestLimitExceeded": true,
	"TransactionConflictException": true, "TransactionInProgressException": true,
}

// Busy reports whether err says the service was too busy: a failure that passes, answered
// 503 to a request and met by a job slowing down, never a 500.
func Busy(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && busyCodes[ae.ErrorCode()]
}
