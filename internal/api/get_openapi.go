package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/openapi"
)

// getOpenAPI: GET /v1/openapi.json, the contract, public so front ends can generate clients.
func getOpenAPI(context.Context, *request) (*response, error) {
	return &response{status: http.StatusOK, body: openapi.Document,
		headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=300"}}, nil
}
