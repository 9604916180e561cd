package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// A client refused as unavailable (DynamoDB throttling) is tried again, slower each time;
// when DynamoDB stays busy the run hands over instead of reporting the client refused.
func TestPacerSlowsDownWhenBusy(t *testing.T) {
	busy := domain.BulkResult{Result: domain.BulkRefused, Code: domain.CodeUnavailable}
	done := domain.BulkResult{Result: domain.BulkDone}
	for _, tc := range []struct {
		name      string
		busyFirst int
		ok        bool
		pace      float64
		waits     int
	}{
		{"not busy", 0, true, 800, 0},
		{"busy twice", 2, true, 200, 2},
		{"busy for good", 100, false, minPace, busyTries - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var waits []time.Duration
			p := pacer{perSecond: 800, start: time.Now(), sleep: func(d time.Duration) { waits = append(waits, d) }}
			calls := 0
			res, ok := p.apply(context.Background(), func() domain.BulkResult {
				calls++
				if calls <= tc.busyFirst {
					return busy
				}
				return done
			})
			if ok != tc.ok || len(waits) != tc.waits || p.perSecond != tc.pace {
				t.Fatalf("ok %v, %d waits, pace %v; want %v, %d, %v", ok, len(waits), p.perSecond, tc.ok, tc.waits, tc.pace)
			}
			if ok && res != done {
				t.Fatalf("result %+v", res)
			}
		})
	}
	// Without the time to wait, the run hands over at once.
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	p := pacer{perSecond: 800, start: time.Now()}
	if _, ok := p.apply(ctx, func() domain.BulkResult { return busy }); ok {
		t.Fatal("waited past the deadline")
	}
}
