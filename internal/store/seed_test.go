package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators/nodeproc"
)

var (
	frenchFirst = []string{"Hélène", "Jean", "Marie", "Pierre", "Sophie", "Luc", "Camille", "Élodie", "François", "Anaïs",
		"Julien", "Chloé", "Mathieu", "Léa", "Nicolas", "Inès", "Olivier", "Zoé", "Théo", "Céline", "Jérôme", "Noémie"}
	frenchLast = []string{"Dufour", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Faure", "Chevalier",
		"Lemaire", "Gauthier", "Perrin", "Mercier", "Boyer", "Fontaine", "Leclerc", "Garnier", "Durand", "Roux"}
	englishFirst = []string{"James", "Olivia", "Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophia", "Charlie", "Grace"}
	englishLast  = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans"}
	companyForms = []string{"Atelier %s", "%s & Fils", "%s Conseil", "Boulangerie %s", "%s Ltd", "%s Consulting", "Maison %s", "%s Studio"}
	seedTags     = []string{"VIP", "Export", "Île-de-France", "Partenaire", "Newsletter"}
)

// realisticClient returns the i-th client of a seeded list: French or English names and
// phones, a company half the time, an email, sometimes a code and tags, statuses spread like
// a real list (mostly prospects), a few archived. Its id carries its creation time.
func realisticClient(r *rand.Rand, i int, at time.Time) *domain.Client {
	var f domain.Fields
	if r.IntN(3) > 0 {
		f.FirstName, f.LastName = frenchFirst[r.IntN(len(frenchFirst))], frenchLast[r.IntN(len(frenchLast))]
		f.Phones = []string{fmt.Sprintf("+336%08d", r.IntN(1e8))}
		f.Address, f.Locale = &domain.Address{City: "Lyon", Country: "FR"}, "fr"
	} else {
		f.FirstName, f.LastName = englishFirst[r.IntN(len(englishFirst))], englishLast[r.IntN(len(englishLast))]
		f.Phones = []string{fmt.Sprintf("+447700%06d", r.IntN(1e6))}
		f.Address, f.Locale = &domain.Address{City: "London", Country: "GB"}, "en"
	}
	if r.IntN(2) == 0 {
		f.CompanyName = fmt.Sprintf(companyForms[r.IntN(len(companyForms))], f.LastName)
	}
	last := strings.ReplaceAll(domain.Fold(f.LastName), " ", "")
	f.Email = fmt.Sprintf("%s.%s.%d@%s-%d.example", domain.Fold(f.FirstName), last, i, last, i%97)
	if r.IntN(4) == 0 {
		f.Code = fmt.Sprintf("C-%05d", i)
	}
	for _, t := range seedTags {
		if r.IntN(8) == 0 {
			f.Tags = append(f.Tags, t)
		}
	}
	id, _ := uuid.NewV7()
	ms := uint64(at.UnixMilli())
	for b := 0; b < 6; b++ {
		id[b] = byte(ms >> (40 - 8*b))
	}
	c := domain.NewClient(id.String(), f, at)
	switch x := r.IntN(100); {
	case x < 60:
	case x < 70:
		c.Status = domain.StatusSiteAssigned
	case x < 85:
		c.Status = domain.StatusInvited
	case x < 97:
		c.Status = domain.StatusActive
	default:
		c.Status = domain.StatusSuspended
	}
	c.Archived = r.IntN(20) == 0
	return c
}

// seed writes n clients with exactly the items a create writes, but through BatchWriteItem:
// the emulator snapshots its indexes on every transaction, which would take an hour for
// 10,000 clients. Counters are summed into one shard.
func seed(ctx context.Context, s *Store, tenant string, n int) ([]*domain.Client, error) {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var clients []*domain.Client
	var batch []types.WriteRequest
	counts := map[string]int{}
	flush := func() error {
		for len(batch) > 0 {
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{s.table: batch}})
			if err != nil {
				return err
			}
			batch = out.UnprocessedItems[s.table]
		}
		return nil
	}
	for i := range n {
		c := realisticClient(r, i, start.Add(time.Duration(i)*37*time.Minute))
		writes, err := s.filingWrites(tenant, nil, newFiled(c, nil))
		if err != nil {
			return nil, err
		}
		for _, w := range writes {
			if w.item.Put == nil {
				continue // the counter update, summed below
			}
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: w.item.Put.Item}})
			if len(batch) == 25 {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
		counts[statsAttr(c.Status, c.Archived)]++
		clients = append(clients, c)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	item := key(statsPK(tenant, 0), statsSK(0))
	for attr, v := range counts {
		item[attr] = &types.AttributeValueMemberN{Value: fmt.Sprint(v)}
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item})
	return clients, err
}

// startDynalite runs dynalite (infra/package.json, installed by make bench) on a free
// loopback port and returns a store over a fresh table in it. dynalite has no transactions,
// which the seed does not need, but unlike minidyn it holds 130,000 items without slowing
// down quadratically, and it reports ScannedCount as DynamoDB does.
func startDynalite(tb testing.TB) (*Store, *Meter) {
	tb.Helper()
	proc, err := nodeproc.Start("dynalite", "--host", "127.0.0.1", "--port", "{port}", "--createTableMs", "0")
	if errors.Is(err, nodeproc.ErrNotInstalled) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(proc.Close)
	m := &Meter{}
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(proc.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}, m.Attach)
	if _, err := db.CreateTable(context.Background(), Schema.CreateTableInput("bench")); err != nil {
		tb.Fatal(err)
	}
	return New(db, "bench", time.Now), m
}
