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
			p := NewPacer(800, func(d time.Duration) { waits = append(waits, d) })
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
	p := NewPacer(800, nil)
	if _, ok := p.apply(ctx, func() domain.BulkResult { return busy }); ok {
		t.Fatal("waited past the deadline")
	}
}

// A pacer owes each unit 1/perSecond of a second from its start: it sleeps what the units
// spent so far are owed beyond the time that passed, and never when they are not.
func TestPacerKeepsTheRate(t *testing.T) {
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var slept time.Duration
	p := NewPacer(800, func(d time.Duration) { slept += d; clock = clock.Add(d) })
	p.now = func() time.Time { return clock }
	p.start = clock
	for _, step := range []struct {
		units float64
		pass  time.Duration // time the writes themselves take
		want  time.Duration // the clock since the start, after the spend
	}{
		{400, 0, 500 * time.Millisecond},
		{80, 0, 600 * time.Millisecond},
		{80, time.Second, 1600 * time.Millisecond}, // slower than the pace: no wait
		{800, 0, 1700 * time.Millisecond},          // 1,360 units owe 1.7 s; 1.6 s passed
		{2000, 0, 4200 * time.Millisecond},         // 3,360 units owe 4.2 s
	} {
		clock = clock.Add(step.pass)
		p.Spend(step.units)
		if got := clock.Sub(p.start); got != step.want {
			t.Fatalf("after %v units: %v since the start, want %v (slept %v)", step.units, got, step.want, slept)
		}
	}
	p = NewPacer(0, func(time.Duration) { t.Fatal("a pacer without a rate waited") })
	p.Spend(1e6)
}
