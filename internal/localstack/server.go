// Package localstack runs the whole service on one machine: the same handlers the Lambda
// functions run, behind an HTTP server that speaks to them in API Gateway's payload 2.0 event
// shape, with tokens verified as the JWT authorizer verifies them, and the AWS services
// replaced by in-process emulators reached through the real SDK.
package localstack

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/routes"
)

// Server is the local API Gateway.
type Server struct {
	handlers map[string]api.Handler
	tokens   *Tokens
	// MaxPayload is API Gateway's request size limit.
	MaxPayload int64
}

// NewServer serves every route of the route table with the handler a builds for it.
func NewServer(a *api.API, tokens *Tokens) *Server {
	s := &Server{handlers: map[string]api.Handler{}, tokens: tokens, MaxPayload: 10 << 20}
	for _, r := range routes.All {
		s.handlers[r.Operation] = a.Handler(r.Operation)
	}
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.cors(w, r)
	switch {
	case r.Method == http.MethodOptions:
		w.WriteHeader(http.StatusNoContent)
		return
	case r.URL.Path == "/local/token" && r.Method == http.MethodPost:
		s.issueToken(w, r)
		return
	case r.URL.Path == "/local/.well-known/jwks.json" && r.Method == http.MethodGet:
		jwks, err := s.tokens.JWKS()
		if err != nil {
			gatewayError(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		writeJSON(w, http.StatusOK, jwks)
		return
	}
	route, params, ok := routes.Match(r.Method, r.URL.Path)
	if !ok {
		gatewayError(w, http.StatusNotFound, "Not Found")
		return
	}
	var claims map[string]string
	if !route.Public {
		token, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !found {
			gatewayError(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		c, err := s.tokens.Verify(strings.TrimSpace(token))
		if err != nil {
			gatewayError(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		claims = c
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.MaxPayload+1))
	if err != nil || int64(len(body)) > s.MaxPayload {
		gatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	resp, err := s.handlers[route.Operation](r.Context(), newEvent(r, route, params, claims, body))
	if err != nil {
		// A function error is a bare 502 at API Gateway; our handlers never return one.
		gatewayError(w, http.StatusBadGateway, "Internal Server Error")
		return
	}
	writeResponse(w, resp)
}

// cors answers as the stack's CORS configuration does, for any local front end.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "ETag, Location, X-Request-Id, Idempotent-Replayed, Retry-After")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language")
		h.Set("Access-Control-Max-Age", "600")
	}
}

type tokenRequest struct {
	TenantID string   `json:"tenant_id"`
	Sub      string   `json:"sub"`
	Roles    []string `json:"roles"`
}

var localTenant = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// issueToken: POST /local/token {"tenant_id", "sub", "roles"} -> a signed access token.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	d := json.NewDecoder(io.LimitReader(r.Body, 4096))
	d.DisallowUnknownFields()
	if err := d.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "body must be {\"tenant_id\", \"sub\", \"roles\"}"})
		return
	}
	if !localTenant.MatchString(req.TenantID) || req.Sub == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "tenant_id (letters, digits, _ . -) and sub are required"})
		return
	}
	for _, role := range req.Roles {
		if !slices.Contains([]string{"admin", "editor", "viewer"}, role) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "roles are admin, editor or viewer"})
			return
		}
	}
	token, err := s.tokens.Issue(req.TenantID, req.Sub, req.Roles)
	if err != nil {
		gatewayError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": int(s.tokens.TTL.Seconds())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
