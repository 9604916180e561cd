package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/retry"
)

func TestOnConflict(t *testing.T) {
	conflictErr := errors.New("moved")
	final := errors.New("final")
	tests := []struct {
		name     string
		attempts int
		fn       func(attempt int) error
		want     error
		calls    int
	}{
		{"success at once", 3, func(int) error { return nil }, nil, 1},
		{"other error is not retried", 3, func(int) error { return final }, final, 1},
		{"conflict then success", 3, func(a int) error {
			if a < 2 {
				return retry.Conflict(conflictErr)
			}
			return nil
		}, nil, 3},
		{"exhausted returns the inner error", 4, func(int) error { return retry.Conflict(conflictErr) }, conflictErr, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := retry.OnConflict(context.Background(), tt.attempts, func(a int) error {
				if a != calls {
					t.Fatalf("attempt %d, want %d", a, calls)
				}
				calls++
				return tt.fn(a)
			})
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) || calls != tt.calls {
				t.Fatalf("err %v after %d calls, want %v after %d", err, calls, tt.want, tt.calls)
			}
			var c interface{ Unwrap() error }
			if errors.As(err, &c) && err != tt.want {
				t.Fatalf("a Conflict escaped: %v", err)
			}
		})
	}
}

func TestOnConflictHonoursTheContext(t *testing.T) {
	conflictErr := errors.New("moved")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	err := retry.OnConflict(ctx, 10, func(int) error { calls++; return retry.Conflict(conflictErr) })
	if !errors.Is(err, conflictErr) || calls != 1 {
		t.Fatalf("cancelled context: %v after %d calls", err, calls)
	}
	// A deadline too close for the next wait stops at once instead of sleeping past it.
	ctx, cancel = context.WithTimeout(context.Background(), time.Microsecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	start := time.Now()
	calls = 0
	err = retry.OnConflict(ctx, 10, func(int) error { calls++; return retry.Conflict(conflictErr) })
	if !errors.Is(err, conflictErr) || calls != 1 || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("past deadline: %v after %d calls in %v", err, calls, time.Since(start))
	}
}

func TestWaitIsJitteredAndCapped(t *testing.T) {
	for attempt := range 40 {
		for range 50 {
			w := retry.Wait(attempt)
			bound := min(retry.Base<<min(attempt, 16), retry.Cap)
			if w < 0 || w > bound {
				t.Fatalf("attempt %d: wait %v outside [0, %v]", attempt, w, bound)
			}
		}
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[retry.Wait(5)] = true
	}
	if len(seen) < 5 {
		t.Fatalf("waits are not jittered: %v", seen)
	}
}
