package jobs

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// What the writer produces reads back, field for field, through a standard CSV reader.
func TestCSVRoundTrip(t *testing.T) {
	defs := domain.Definitions{{Key: "budget", Label: domain.Localized{FR: "Budget", EN: "Budget"}, Type: domain.TypeNumber}}
	cols, bad := domain.ExportColumns(defs, []string{"id", "first_name", "notes", "phone_1", "tags", "custom_fields.budget"})
	if bad != "" {
		t.Fatal(bad)
	}
	var z bytes.Buffer
	w, err := NewWriter(&z, "x.csv", cols, "fr")
	if err != nil {
		t.Fatal(err)
	}
	at := domain.At(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	clients := []*domain.Client{
		{ID: "1", Fields: domain.Fields{FirstName: "Hélène", Notes: "ligne 1\nligne 2, \"citée\"", Phones: []string{"+33612345678"},
			Tags: []string{"VIP", "Île"}, CustomFields: map[string]any{"budget": 1200.5}}, CreatedAt: at},
		{ID: "2", Fields: domain.Fields{FirstName: " espace", Notes: "=cmd|' /C calc'!A0"}, CreatedAt: at},
		{ID: "3", Fields: domain.Fields{FirstName: "@SUM(1)", Notes: "-2+3"}, CreatedAt: at},
	}
	for _, c := range clients {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := zr.File[0].Open()
	raw, _ := io.ReadAll(f)
	if !bytes.HasPrefix(raw, []byte("\ufeffIdentifiant,Prénom,Notes,Téléphone 1,Étiquettes,Budget\r\n")) {
		t.Fatalf("header: %q", raw[:80])
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"1", "Hélène", "ligne 1\nligne 2, \"citée\"", "'+33612345678", "VIP, Île", "1200.5"},
		{"2", " espace", "'=cmd|' /C calc'!A0", "", "", ""},
		{"3", "'@SUM(1)", "'-2+3", "", "", ""},
	}
	if !reflect.DeepEqual(rows[1:], want) || w.Rows != 3 {
		t.Fatalf("rows\n got %q\nwant %q", rows[1:], want)
	}
	if _, bad := domain.ExportColumns(defs, []string{"id", "password"}); bad != "password" {
		t.Fatal("unknown column accepted")
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

// A failure downstream (the upload) stops the formatting at its next writes, and Close says so.
func TestWriterStopsOnDownstreamFailure(t *testing.T) {
	w, err := NewWriter(&failingWriter{after: 4096}, "x.csv", domain.StandardExportColumns, "en")
	if err != nil {
		t.Fatal(err)
	}
	// Rows that compress poorly, so that compressed output (and the failure) comes soon.
	c := &domain.Client{}
	var werr error
	for i := 0; i < 200_000 && werr == nil; i++ {
		c.ID, c.Notes = strconv.Itoa(i*7919), strconv.FormatUint(uint64(i)*0x9E3779B97F4A7C15, 36)
		werr = w.Write(c)
	}
	if werr == nil {
		t.Fatal("writes never saw the failure")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close hid the failure")
	}
}
