// Package localstack runs the whole service on one machine: the same handlers the Lambda
// functions run, behind an HTTP server that speaks to them in API Gateway's payload 2.0 event
// shape, with tokens verified as the JWT authorizer verifies them, and the AWS services
// replaced by in-process emulators reached through the real SDK.
package localstack

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/routes"
)

// Server is the local API Gateway.
type Server struct {
	handlers map[string]api.Handler
	tokens   *Tokens
	ses      *emulators.SES
	// MaxPayload is API Gateway's request size limit.
	MaxPayload int64
	// FrontendOrigin is the front end CORS lets in, besides pages served from loopback.
	FrontendOrigin string
	// SignIn is what a sign-in triggers in the identity provider: the staff member mirrored
	// into the directory (nil: nothing).
	SignIn func(ctx context.Context, tenant string, req tokenRequest)
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
	if (r.URL.Path == "/local/token" || r.URL.Path == "/local/mail") && r.Method != http.MethodOptions && !isJSON(r) {
		// A page on another site can send a form or text/plain without asking first, but not
		// application/json: requiring it makes the browser ask (CORS preflight), and the answer
		// refuses every origin but loopback and the front end. No page the developer visits can
		// mint a token or read the mailbox.
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"message": "send Content-Type: application/json"})
		return
	}
	switch {
	case r.Method == http.MethodOptions:
		w.WriteHeader(http.StatusNoContent)
		return
	case r.URL.Path == "/local/token" && r.Method == http.MethodPost:
		s.issueToken(w, r)
		return
	case r.URL.Path == "/local/mail" && r.Method == http.MethodGet:
		s.mailbox(w, r)
		return
	case r.URL.Path == "/local/setup" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(setupPage))
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

// cors answers as the stack's CORS configuration does: the configured front end, and any page
// served from this machine (a local front end on its own port); no other origin, and an
// origin is never echoed unless allowed.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	h := w.Header()
	h.Add("Vary", "Origin")
	if origin == "" || !(origin == s.FrontendOrigin || loopbackOrigin(origin)) {
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "ETag, Location, X-Request-Id, Idempotent-Replayed, Retry-After")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language")
		h.Set("Access-Control-Max-Age", "600")
	}
}

// loopbackOrigin reports whether origin is a page of this machine: http(s)://localhost,
// 127.0.0.1 or [::1], on any port.
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" || u.User != nil {
		return false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// mailbox: GET /local/mail, what the SES emulator received, newest first.
func (s *Server) mailbox(w http.ResponseWriter, r *http.Request) {
	if s.ses == nil {
		writeJSON(w, http.StatusOK, []emulators.Mail{})
		return
	}
	mails, err := s.ses.Mails(r.Context())
	if err != nil {
		gatewayError(w, http.StatusBadGateway, "SES emulator unavailable")
		return
	}
	writeJSON(w, http.StatusOK, mails)
}

// setupPage stands in for the front end's setup page: it reads the token from the fragment,
// shows the invitation and accepts it with a password.
const setupPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clientdesk: set your password</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto">
<h1>Client portal</h1><p id="who">Reading the invitation…</p>
<form id="f" hidden><label>Password (12 characters at least) <input type="password" id="p" required minlength="12"></label>
<button>Activate my access</button></form><p id="out"></p>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const show = (id, text) => document.getElementById(id).textContent = text;
fetch("/v1/invitations/" + token).then(r => r.json()).then(inv => {
  if (inv.code) { show("who", inv.detail); return; }
  show("who", inv.tenant_name + " invites " + (inv.first_name || "you") + " (" + inv.email + ").");
  document.getElementById("f").hidden = false;
});
document.getElementById("f").onsubmit = e => {
  e.preventDefault();
  fetch("/v1/invitations/" + token + "/accept", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({password: document.getElementById("p").value})})
    .then(r => r.json()).then(res => show("out", res.code ? res.detail : "Done: you can sign in as " + res.username + "."));
};
</script></body></html>`

type tokenRequest struct {
	TenantID   string   `json:"tenant_id"`
	TenantName string   `json:"tenant_name"`
	Email      string   `json:"email"`
	Sub        string   `json:"sub"`
	Name       string   `json:"name"`
	Roles      []string `json:"roles"`
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
	if !domain.ValidStaffSub(req.Sub) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "sub is 1 to 128 visible characters, no #"})
		return
	}
	token, err := s.tokens.IssueWithEmail(req.TenantID, req.TenantName, req.Sub, req.Email, req.Roles)
	if err != nil {
		gatewayError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if s.SignIn != nil {
		s.SignIn(r.Context(), req.TenantID, req)
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": int(s.tokens.TTL.Seconds())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
