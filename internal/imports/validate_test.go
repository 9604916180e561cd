package imports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/sheet"
	"github.com/clientdesk/clientdesk/internal/store"
)

type recordingSink struct {
	failed   []string
	progress []int
}

func (s *recordingSink) Failed(ch Checked, cells []string) error {
	var codes []string
	for _, e := range ch.Errors {
		codes = append(codes, string(e.Code))
	}
	s.failed = append(s.failed, fmt.Sprintf("%d:%s", ch.Row, strings.Join(codes, ",")))
	return nil
}

func (s *recordingSink) Progress(rows int, _ Report) error {
	s.progress = append(s.progress, rows)
	return nil
}

// A validation run over the store: every row's fate counted, every row in error handed over
// with its cells, nothing written, and the clients looked up per batch of rows.
func TestValidateAgainstTheStore(t *testing.T) {
	ctx := context.Background()
	db, err := emulators.StartDynamoDB(ctx, "imports-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	m := &store.Meter{}
	st := store.New(db.Client(m.Attach), db.Table, time.Now)
	for _, f := range []domain.Fields{
		{FirstName: "Anne", LastName: "Martin", Email: "anne@exemple.fr", Code: "C-1", Locale: "fr"},
		{FirstName: "Bruno", LastName: "Dupont", Email: "bruno@exemple.fr", Code: "C-2", Locale: "fr"},
		{FirstName: "Zed", Email: "zed@exemple.fr", Code: "C-9", Locale: "fr"},
	} {
		c := domain.NewClient(uuid.Must(uuid.NewV7()).String(), f, time.Now())
		ev := &domain.Event{ID: uuid.NewString(), ClientID: c.ID, At: c.CreatedAt, Action: domain.ActionCreated, Actor: domain.Actor{Kind: domain.ActorStaff, ID: "t"}}
		if err := st.CreateClient(ctx, "t1", c, nil, 0, nil, ev); err != nil {
			t.Fatal(err)
		}
	}
	var file strings.Builder
	file.WriteString("Prénom;Nom;E-mail;Code client\r\n")
	file.WriteString("Anne;Martin;anne@exemple.fr;C-1\r\n")          // 2 unchanged
	file.WriteString("Bruno;Dupont-Moreau;BRUNO@exemple.fr;C-2\r\n") // 3 update
	file.WriteString("Claire;;claire@exemple.fr;C-3\r\n")            // 4 create
	file.WriteString("Denis;;denis@exemple.fr;C-9\r\n")              // 5 code held by Zed
	file.WriteString("Eve;;claire@exemple.fr;C-5\r\n")               // 6 duplicate of row 4
	file.WriteString(";;;\r\n")                                      // 7 blank
	file.WriteString("Fred;;fred@;C-6\r\n")                          // 8 bad e-mail
	for i := range 120 {                                             // 9–128 create
		fmt.Fprintf(&file, "Client %d;;c%d@exemple.fr;X-%d\r\n", i, i, i)
	}
	r, err := sheet.NewCSV(strings.NewReader(file.String()))
	if err != nil {
		t.Fatal(err)
	}
	head, _ := r.Next()
	c := NewChecker(Reading{Columns: DetectMapping(head.Cells, nil), Lang: "fr", ParsePhone: phone.E164}, Upsert, MatchEmail)
	sink := &recordingSink{}
	m.Reset()
	lookup := func(ctx context.Context, emails, codes []string) (map[string]*domain.Client, map[string]*domain.Client, error) {
		return st.Holders(ctx, "t1", emails, codes)
	}
	report, err := Validate(ctx, r, c, lookup, sink)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Rows: 127, Create: 121, Update: 1, Unchanged: 1, Errors: 3, Blank: 1}
	if report != want {
		t.Errorf("report %+v, want %+v", report, want)
	}
	if want := []string{"5:already_exists", "6:duplicate_in_file", "8:invalid_email"}; !slices.Equal(sink.failed, want) {
		t.Errorf("failed %v, want %v", sink.failed, want)
	}
	if !slices.Equal(sink.progress, []int{50, 100, 127}) {
		t.Errorf("progress %v", sink.progress)
	}
	// Three batches: each a lookup of the claims (up to 100 keys a request) and of the
	// clients found; nothing written.
	if got := m.Snapshot(); got.ItemsWritten != 0 || got.Requests > 7 {
		t.Errorf("cost %+v", got)
	}
}
