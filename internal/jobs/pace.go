package jobs

import "time"

// Pacer keeps a job's writes under a rate of write units a second on the tenant's busiest
// partition key (config.HotWriteUnitsPerSecond: under DynamoDB's 1,000 a second per key, with
// room for the tenant's own traffic): after spending, it sleeps until the time they are owed.
// A job that writes many clients (a bulk change, an import's commit) spends what each
// client's write costs there (store.HotWriteUnits).
type Pacer struct {
	perSecond float64
	start     time.Time
	spent     float64
	sleep     func(time.Duration)
	now       func() time.Time
}

// NewPacer paces at perSecond units a second (0: no pace), sleeping with sleep (time.Sleep
// when nil).
func NewPacer(perSecond float64, sleep func(time.Duration)) *Pacer {
	if sleep == nil {
		sleep = time.Sleep
	}
	return &Pacer{perSecond: perSecond, start: time.Now(), sleep: sleep, now: time.Now}
}

// Spend counts units written, and sleeps until they are owed.
func (p *Pacer) Spend(units float64) {
	if p.perSecond <= 0 || units <= 0 {
		return
	}
	p.spent += units
	due := time.Duration(p.spent / p.perSecond * float64(time.Second))
	if wait := due - p.now().Sub(p.start); wait > 0 {
		p.sleep(wait)
	}
}
