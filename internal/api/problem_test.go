package api

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/openapi/contract"
)

// Every problem and field code has a status, a text in each language, and is in the
// contract's enums; and the contract lists no code the code base does not have.
func TestProblemCatalogIsComplete(t *testing.T) {
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	problem := c.Doc.Components.Schemas["Problem"].Value
	var documented, documentedFields []string
	for _, v := range problem.Properties["code"].Value.Enum {
		documented = append(documented, v.(string))
	}
	for _, v := range problem.Properties["errors"].Value.Items.Value.Properties["code"].Value.Enum {
		documentedFields = append(documentedFields, v.(string))
	}
	for code := range status {
		msg, ok := problemTexts[code]
		if !ok || msg.title.en == "" || msg.title.fr == "" || msg.detail.en == "" || msg.detail.fr == "" {
			t.Errorf("%s: missing text", code)
		}
		if !slices.Contains(documented, string(code)) {
			t.Errorf("%s: not in the contract", code)
		}
	}
	for code := range problemTexts {
		if _, ok := status[code]; !ok {
			t.Errorf("%s: text but no status", code)
		}
	}
	for _, code := range documented {
		if _, ok := status[domain.Code(code)]; !ok {
			t.Errorf("contract lists %s, which has no status", code)
		}
	}
	for code, msg := range domain.FieldTexts {
		if msg.EN == "" || msg.FR == "" {
			t.Errorf("field %s: missing text", code)
		}
		if !slices.Contains(documentedFields, string(code)) {
			t.Errorf("field %s: not in the contract", code)
		}
	}
	for _, code := range documentedFields {
		if _, ok := domain.FieldTexts[domain.Code(code)]; !ok {
			t.Errorf("contract lists field code %s, which has no text", code)
		}
	}
}

func TestFrenchTypography(t *testing.T) {
	for code, msg := range problemTexts {
		for _, s := range []string{msg.title.fr, msg.detail.fr} {
			for _, p := range []string{" :", " ;", " ?", " !", "« ", " »"} {
				if strings.Contains(s, p) {
					t.Errorf("%s: %q has an ordinary space where French wants a no-break space", code, s)
				}
			}
		}
	}
}

func TestInternalErrorsRevealNothing(t *testing.T) {
	p := NewProblem(errors.New("dynamodb: AccessDeniedException arn:aws:iam::123:role/x"), "en", "req-1", "/v1/clients")
	if p.Status != 500 || strings.Contains(p.Detail, "arn") || p.Code != domain.CodeInternal || p.RequestID != "req-1" {
		t.Fatalf("%+v", p)
	}
}

// DynamoDB too busy after the SDK's own tries is a 503 the caller may retry, not a 500.
func TestBusyDynamoDBIsUnavailable(t *testing.T) {
	err := fmt.Errorf("transact write: %w", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"})
	p := NewProblem(err, "fr", "req-1", "/v1/clients")
	if p.Status != 503 || p.Code != domain.CodeUnavailable || strings.Contains(p.Detail, "Rate") {
		t.Fatalf("%+v", p)
	}
}
