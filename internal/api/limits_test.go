package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// words makes n distinct words of a given length, all starting with prefix.
func words(prefix string, n, length int) []string {
	out := make([]string, n)
	for i := range out {
		w := fmt.Sprintf("%s%c%c%d", prefix, 'a'+i%26, 'a'+i/26%26, i)
		out[i] = w + strings.Repeat("q", max(length-len(w), 0))
	}
	return out
}

func fill(prefix string, runes int) string {
	s := strings.Join(words(prefix, runes/8+1, 7), " ")
	return s[:runes]
}

// worstCase is the largest client the validation allows, searchable everywhere: every field at
// its limit, 50 searchable custom fields, the record just within its size limit. generation
// makes every word, tag, email and code different from another generation's.
func worstCase(generation string) map[string]any {
	custom := map[string]any{}
	for i := range domain.MaxCustomFields {
		custom[fmt.Sprintf("f%02d", i)] = fill(generation+"c", 2000)
	}
	tags := make([]string, domain.MaxTags)
	for i := range tags {
		tags[i] = fill(fmt.Sprintf("%st%d", generation, i), domain.MaxTagLen)
	}
	links := map[string]any{}
	for i := range domain.MaxSocialLinks {
		links[fmt.Sprintf("l%d", i)] = "https://example.com/" + strings.Repeat("p", 1000)
	}
	return map[string]any{
		"first_name": fill(generation+"f", domain.MaxNameLen), "last_name": fill(generation+"l", domain.MaxNameLen),
		"company_name": fill(generation+"o", domain.MaxCompanyLen), "code": fill(generation+"k", domain.MaxCodeLen),
		"email":  generation + strings.Repeat("e", 60) + "@" + generation + strings.Repeat("d", 60) + ".example.com",
		"phones": []string{"+33612345678", "+442071234567"},
		"address": map[string]any{"line1": fill(generation+"a", domain.MaxAddressLineLen), "line2": fill(generation+"b", domain.MaxAddressLineLen),
			"postal_code": "75001", "city": fill(generation+"v", domain.MaxCityLen), "region": fill(generation+"r", domain.MaxRegionLen), "country": "FR"},
		"notes": fill(generation+"n", domain.MaxNotesLen), "locale": "fr", "tags": tags, "social_links": links, "custom_fields": custom,
	}
}

// The largest client the validation allows, changed in everything at once, is written in one
// transaction that DynamoDB accepts (the local DynamoDB refuses, as DynamoDB does, more than
// 100 actions, 4 MB, or an item over 400 KB). A request body is at most 64 KiB, so the record
// is built by a create and a patch, up to the record's own limit.
func TestWorstCaseClientFitsDynamoDB(t *testing.T) {
	h := newHarness(t)
	for i := range domain.MaxCustomFields {
		if r := h.field(fmt.Sprintf(`{"key":"f%02d","label":{"en":"F%d"},"type":"text","searchable":true}`, i, i)); r.StatusCode != 201 {
			t.Fatal(r.Body)
		}
	}
	full := worstCase("g")
	custom := full["custom_fields"].(map[string]any)
	chunks := []map[string]any{{}}
	for i := range domain.MaxCustomFields {
		k := fmt.Sprintf("f%02d", i)
		if len(chunks[len(chunks)-1]) == 15 {
			chunks = append(chunks, map[string]any{})
		}
		chunks[len(chunks)-1][k] = custom[k]
	}
	full["custom_fields"] = chunks[0]
	body, _ := json.Marshal(full)
	h.meter.Reset()
	c := h.create("agency-1", string(body))
	created := h.meter.Snapshot()
	patch := func(etag string, v any) (int, string) {
		b, _ := json.Marshal(v)
		resp := h.call(withHeader(withBody(withID(event(t, "update-client"), c.ID), string(b)), "if-match", etag))
		return resp.StatusCode, resp.Body
	}
	for i, chunk := range chunks[1:] {
		if status, body := patch(fmt.Sprintf(`"%d"`, i+1), map[string]any{"custom_fields": chunk}); status != 200 {
			t.Fatalf("custom fields, part %d: %d %s", i+2, status, body)
		}
	}
	version := len(chunks)
	stored, _, err := h.api.Clients.GetClientWithDefinitions(context.Background(), "agency-1", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	record, _ := json.Marshal(stored.Fields)
	t.Logf("record: %d bytes (limit %d)", len(record), domain.MaxRecordBytes)

	// Everything the client is filed under changes: every word, every tag, email and code.
	next := worstCase("h")
	change := map[string]any{"phones": []string{"+33698765432", "+14155550100"}}
	for _, k := range []string{"first_name", "last_name", "company_name", "code", "email", "tags"} {
		change[k] = next[k]
	}
	h.meter.Reset()
	if status, body := patch(fmt.Sprintf(`"%d"`, version), change); status != 200 {
		t.Fatalf("worst-case update: %d %s", status, body)
	}
	updated := h.meter.Snapshot()
	t.Logf("worst-case create: %d items written; update of everything filed: %d items written", created.ItemsWritten, updated.ItemsWritten)
	// The update replaced every word and every tag: the budget was reached, not dodged.
	if updated.ItemsWritten < 2*domain.MaxSearchTerms+2*domain.MaxTags {
		t.Fatalf("the update wrote %d items: not the worst case", updated.ItemsWritten)
	}

	// A record past its limit is refused with a field error, never a 5xx.
	accented := map[string]any{}
	for k := range custom {
		if len(accented) < 15 {
			accented[k] = strings.Repeat("é", 1500) // 2 bytes a character
		}
	}
	status, answer := patch(fmt.Sprintf(`"%d"`, version+1), map[string]any{"custom_fields": accented})
	if status != 422 || !strings.Contains(answer, `"code":"too_large"`) {
		t.Fatalf("an oversized record: %d %s", status, answer)
	}
}

// A number field holds what DynamoDB stores: out of its range is a field error, not a 5xx.
func TestNumbersOutOfDynamoDBRange(t *testing.T) {
	h := newHarness(t)
	if r := h.field(`{"key":"budget","label":{"en":"Budget"},"type":"number"}`); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	for value, status := range map[string]int{"1e300": 422, "-1e126": 422, "1e-200": 422, "9.99e125": 201, "-1e-130": 201, "0": 201, "12345.678": 201} {
		resp := h.call(withBody(as(event(t, "create-client"), "agency-1", "[admin]"), `{"company_name":"N","custom_fields":{"budget":`+value+`}}`))
		if resp.StatusCode != status {
			t.Errorf("budget %s: %d %s", value, resp.StatusCode, resp.Body)
		}
		if status == 422 && !strings.Contains(resp.Body, `"code":"out_of_range"`) {
			t.Errorf("budget %s: %s", value, resp.Body)
		}
	}
}

// The custom field definitions are one item: a set that would pass DynamoDB's item size is
// refused with a field error.
func TestDefinitionsFitOneItem(t *testing.T) {
	h := newHarness(t)
	desc := strings.Repeat("é", domain.MaxDescriptionLen)
	options := make([]string, domain.MaxOptions)
	for i := range options {
		options[i] = fmt.Sprintf("%03d %s", i, strings.Repeat("ô", domain.MaxOptionLen-4))
	}
	opts, _ := json.Marshal(options)
	var last int
	for i := range domain.MaxFieldDefinitions {
		last = h.field(fmt.Sprintf(`{"key":"s%02d","label":{"fr":"S","en":"S"},"description":{"fr":%q,"en":%q},"type":"select","options":%s}`, i, desc, desc, opts)).StatusCode
		if last != 201 {
			break
		}
	}
	if last != 422 {
		t.Fatalf("the definitions grew past one item: last answer %d", last)
	}
}
