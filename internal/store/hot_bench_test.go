package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// BenchmarkHotPartitions creates clients one after another, as an import's commit would (French
// names, mobile numbers, e-mails at gmail.com for 3 in 7, and one tag on every row), and
// reports what DynamoDB bills per created client in write units, and the partition keys that
// take the most (the table's and each index's, by the meter's rules: 2 units per KB an item
// in a transaction, 1 per KB an index's copy): at a target of 500 clients a second, a key
// over 1,000 write units a second is throttled however the table's capacity is set.
func BenchmarkHotPartitions(b *testing.B) {
	const n = 400
	firsts := []string{"Hélène", "Jean", "Marie", "François", "Chloé", "Lucas", "Emma", "Louis"}
	lasts := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"}
	for b.Loop() {
		s, m := newStore(b)
		ctx := context.Background()
		m.Reset()
		for i := range n {
			domains := []string{"gmail.com", "gmail.com", "gmail.com", "orange.fr", "free.fr", "hotmail.fr", fmt.Sprintf("agence-%d.fr", i%97)}
			f := domain.Fields{FirstName: firsts[i%len(firsts)], LastName: lasts[(i/8)%len(lasts)],
				Email:  fmt.Sprintf("%s.%s%d@%s", strings.ToLower(firsts[i%len(firsts)][:3]), strings.ToLower(lasts[(i/8)%len(lasts)]), i, domains[i%len(domains)]),
				Phones: []string{fmt.Sprintf("+33%d%08d", 6+i%2, (i*7919)%100000000)}, Code: fmt.Sprintf("C-%06d", i), Locale: "fr",
				Address: &domain.Address{Line1: fmt.Sprintf("%d rue de la République", i), PostalCode: "75011", City: "Paris", Country: "FR"},
				Tags:    []string{"import-2026"}}
			if i%2 == 0 {
				f.CompanyName = "Atelier " + f.LastName
			}
			c := newClient(b, f)
			if err := s.CreateClient(ctx, "agency-1", c, nil, 0, nil, ev(c)); err != nil {
				b.Fatal(err)
			}
		}
		counts := m.Snapshot()
		total := 0.0
		for _, u := range counts.WriteUnitsByKey {
			total += u
		}
		b.ReportMetric(total/n, "WCU/client")
		b.ReportMetric(float64(counts.ItemsWritten)/n, "items/client")
		var hot []string
		for i, k := range counts.HottestUnits(6) {
			perClient := k.Units / n
			if i == 0 {
				b.ReportMetric(perClient*500, "hottest-WCU/s@500")
			}
			hot = append(hot, fmt.Sprintf("%s %.2f WCU/client = %.0f WCU/s at 500 clients/s", k.Key, perClient, perClient*500))
		}
		b.Logf("hottest partition keys:\n  %s", strings.Join(hot, "\n  "))
	}
}
