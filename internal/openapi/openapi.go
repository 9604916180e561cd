// Package openapi embeds the API's contract, an OpenAPI 3.1 document maintained by hand next to
// the route table; tests check the two against each other and validate handler responses
// against the document.
package openapi

import _ "embed"

// Document is openapi.json, served at GET /v1/openapi.json.
//
//go:embed openapi.json
var Document []byte
