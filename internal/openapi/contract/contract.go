// Package contract checks requests and responses against the OpenAPI document. Only tests
// import it: the validator (kin-openapi) stays out of the Lambda binaries.
package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/clientdesk/clientdesk/internal/openapi"
)

// Contract is the loaded, validated document and a router over it.
type Contract struct {
	Doc    *openapi3.T
	router routers.Router
}

// Load parses and validates the embedded document.
func Load() (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not valid: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &Contract{Doc: doc, router: router}, nil
}

// Operations maps each "METHOD /path" of the document to its operationId.
func (c *Contract) Operations() map[string]string {
	out := map[string]string{}
	for path, item := range c.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[strings.ToUpper(method)+" "+path] = op.OperationID
		}
	}
	return out
}

// Response is an exchange to check: the request's method, path and headers, and the status,
// headers and body of the response.
type Response struct {
	Method        string
	Path          string
	RequestHeader http.Header
	Status        int
	Header        http.Header
	Body          []byte
}

// Check fails when the response is not one the document allows for the request: an
// undocumented status, a wrong content type, a body that breaks its schema.
func (c *Contract) Check(r Response) error {
	u := &url.URL{Path: r.Path}
	req, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return err
	}
	if r.RequestHeader != nil {
		req.Header = r.RequestHeader.Clone()
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s is not in the contract: %w", r.Method, r.Path, err)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  r.Status,
		Header:  r.Header,
		Body:    io.NopCloser(bytes.NewReader(r.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s -> %d breaks the contract: %w\nbody: %s", r.Method, r.Path, r.Status, err, r.Body)
	}
	return nil
}
