package localstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/localstack"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/openapi/contract"
)

// startWithMail runs the stack with the SES emulator (and opts). make test installs the
// emulator; a bare go test without it skips, except in CI, where that would hide a broken
// install.
func startWithMail(t *testing.T, opts ...localstack.Options) *env {
	t.Helper()
	var o localstack.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Mail = true
	stack, err := localstack.Start(context.Background(), o)
	if errors.Is(err, emulators.ErrNoSESEmulator) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stack.Close)
	srv := httptest.NewServer(stack.Server)
	t.Cleanup(srv.Close)
	stack.API.SetupURL = srv.URL + "/local/setup"
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, stack: stack, url: srv.URL, contract: c}
}

var tokenInLink = regexp.MustCompile(`#token=([A-Za-z0-9_-]{43})`)

func (e *env) staff(role string) string {
	e.t.Helper()
	b := `{"tenant_id":"agency-1","tenant_name":"Agence Lumière","sub":"claire","roles":["` + role + `"]}`
	r := e.do("POST", "/local/token", "", b)
	return r.json(e.t)["access_token"].(string)
}

func (e *env) mailsTo(to string) []emulators.Mail {
	e.t.Helper()
	mails, err := e.stack.SES.Mails(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var out []emulators.Mail
	for _, m := range mails {
		if len(m.To) == 1 && m.To[0] == to {
			out = append(out, m)
		}
	}
	return out
}

func linkToken(t *testing.T, m emulators.Mail) string {
	t.Helper()
	found := tokenInLink.FindStringSubmatch(m.Text)
	if found == nil || !strings.Contains(m.HTML, found[1]) {
		t.Fatalf("no link in the mail: %s", m.Text)
	}
	return found[1]
}

func (e *env) clientStatus(tok, id string) (string, map[string]any) {
	e.t.Helper()
	c := e.do("GET", "/v1/clients/"+id, tok, "").json(e.t)
	return c["status"].(string), c["access"].(map[string]any)
}

func TestInvitationEndToEnd(t *testing.T) {
	e := startWithMail(t)
	tok := e.staff("editor")
	id := e.do("POST", "/v1/clients", tok, `{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr","locale":"fr"}`).json(t)["id"].(string)
	base := "/v1/clients/" + id

	preview := e.do("GET", base+"/invitation/preview?message=Bienvenue", tok, "").json(t)
	if preview["subject"] != "Agence Lumière vous invite à accéder à votre espace client" || !strings.Contains(preview["html"].(string), "#token=PREVIEW") {
		t.Fatalf("preview %v", preview["subject"])
	}
	if r := e.do("GET", base+"/invitation/preview", e.staff("viewer"), ""); r.status != 403 {
		t.Fatalf("viewer preview: %d", r.status)
	}
	if len(e.mailsTo("helene@example.fr")) != 0 {
		t.Fatal("a preview sent mail")
	}

	// Invite; the same request again replays without a second mail.
	first := e.do("POST", base+"/invitation", tok, `{"message":"Bienvenue !\nÀ bientôt"}`, "Idempotency-Key", "inv-1")
	if first.status != 200 {
		t.Fatalf("invite: %d %s", first.status, first.body)
	}
	again := e.do("POST", base+"/invitation", tok, `{"message":"Bienvenue !\nÀ bientôt"}`, "Idempotency-Key", "inv-1")
	if again.status != 200 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	mails := e.mailsTo("helene@example.fr")
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "Agence Lumière") || !strings.Contains(mails[0].Text, "À bientôt") {
		t.Fatalf("%d mails: %+v", len(mails), mails)
	}
	token1 := linkToken(t, mails[0])
	if status, access := e.clientStatus(tok, id); status != "invited" || access["status"] != "invited" || access["invitation_expires_at"] == nil {
		t.Fatalf("after invite: %s %v", status, access)
	}
	if r := e.do("PATCH", base, tok, `{"email":"other@example.fr"}`, "If-Match", "*"); r.status != 422 {
		t.Fatalf("email changed after invitation: %d", r.status)
	}

	// The recipient's side.
	got := e.do("GET", "/v1/invitations/"+token1, "", "")
	if got.status != 200 || got.json(t)["email"] != "h****e@e*****e.fr" || got.json(t)["tenant_name"] != "Agence Lumière" || got.json(t)["locale"] != "fr" {
		t.Fatalf("open link: %d %s", got.status, got.body)
	}

	// A resend replaces the link: the first one is dead, the same 404 as any unknown token.
	// It costs one read of the client and two transactions (link first, then the state).
	e.stack.Meter.Reset()
	if r := e.do("POST", base+"/invitation", tok, ""); r.status != 200 {
		t.Fatalf("resend: %d %s", r.status, r.body)
	}
	if m := e.stack.Meter.Snapshot(); m.Requests != 3 || m.ByOperation["BatchGetItem"] != 1 || m.ByOperation["TransactWriteItems"] != 2 {
		t.Fatalf("resend cost %v", m.ByOperation)
	}
	mails = e.mailsTo("helene@example.fr")
	token2 := linkToken(t, mails[0])
	if len(mails) != 2 || token2 == token1 {
		t.Fatal("resend did not send a new link")
	}
	for _, dead := range []string{token1, "not-a-token", strings.Repeat("A", 43)} {
		r := e.do("GET", "/v1/invitations/"+dead, "", "")
		if r.status != 404 || r.json(t)["code"] != "invitation_not_found" {
			t.Fatalf("%s: %d %s", dead, r.status, r.body)
		}
	}

	// Suspension blocks acceptance; reactivation restores the invitation.
	if r := e.do("POST", base+"/suspend", tok, ""); r.status != 200 || r.json(t)["client"].(map[string]any)["status"] != "suspended" {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/invitations/"+token2+"/accept", "", `{"password":"un mot de passe solide"}`); r.status != 404 {
		t.Fatalf("accepted while suspended: %d", r.status)
	}
	if r := e.do("POST", base+"/reactivate", tok, ""); r.status != 200 || r.json(t)["client"].(map[string]any)["status"] != "invited" {
		t.Fatalf("reactivate: %d %s", r.status, r.body)
	}

	// Accept: weak passwords refused in the recipient's language, then two concurrent accepts.
	weak := e.do("POST", "/v1/invitations/"+token2+"/accept", "", `{"password":"helene@example.fr"}`, "Accept-Language", "fr")
	if weak.status != 422 || !strings.Contains(string(weak.body), "password_is_email") || !strings.Contains(string(weak.body), "identifiant") {
		t.Fatalf("weak password: %d %s", weak.status, weak.body)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.do("POST", "/v1/invitations/"+token2+"/accept", "", `{"password":"un mot de passe solide"}`)
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[200] != 1 || statuses[404] != 1 {
		t.Fatalf("concurrent accepts: %v", statuses)
	}
	if r := e.do("POST", "/v1/invitations/"+token2+"/accept", "", `{"password":"un mot de passe solide"}`); r.status != 404 {
		t.Fatalf("second accept: %d", r.status)
	}
	status, access := e.clientStatus(tok, id)
	if status != "active" || access["status"] != "active" || access["accepted_at"] == nil || access["pending_token"] != nil {
		t.Fatalf("after accept: %s %v", status, access)
	}
	s := e.stack.Store
	cred, err := s.GetCredential(context.Background(), "agency-1", id)
	if err != nil || cred == nil || !strings.HasPrefix(cred.PasswordHash, "$argon2id$") || strings.Contains(cred.PasswordHash, "solide") {
		t.Fatalf("credential %+v %v", cred, err)
	}
	if r := e.do("POST", base+"/invitation", tok, ""); r.status != 409 || r.json(t)["code"] != "client_already_active" {
		t.Fatalf("inviting an active client: %d %s", r.status, r.body)
	}
	// Suspend and reactivate an active client: back to active.
	e.do("POST", base+"/suspend", tok, "")
	if r := e.do("POST", base+"/reactivate", tok, ""); r.json(t)["client"].(map[string]any)["status"] != "active" {
		t.Fatalf("reactivated active client: %s", r.body)
	}

	// The timeline has every step, with who did it (newest first).
	var kinds []string
	for _, ev := range e.do("GET", base+"/events", tok, "").json(t)["items"].([]any) {
		ev := ev.(map[string]any)
		kinds = append(kinds, ev["action"].(string)+"/"+ev["actor"].(map[string]any)["kind"].(string))
	}
	slices.Reverse(kinds)
	want := "created/staff invited/staff invitation_resent/staff suspended/staff reactivated/staff invitation_accepted/client suspended/staff reactivated/staff"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("events %v", kinds)
	}
}

func TestSetupLinkRevokeAndExpiry(t *testing.T) {
	e := startWithMail(t)
	tok := e.staff("admin")
	id := e.do("POST", "/v1/clients", tok, `{"company_name":"Acme","email":"contact@acme.example","locale":"en"}`).json(t)["id"].(string)
	noEmail := e.do("POST", "/v1/clients", tok, `{"company_name":"No Mail"}`).json(t)["id"].(string)
	if r := e.do("POST", "/v1/clients/"+noEmail+"/setup-link", tok, ""); r.status != 409 || r.json(t)["code"] != "client_has_no_email" {
		t.Fatalf("no email: %d %s", r.status, r.body)
	}
	link := e.do("POST", "/v1/clients/"+id+"/setup-link", tok, "")
	if link.status != 201 {
		t.Fatalf("setup link: %d %s", link.status, link.body)
	}
	url := link.json(t)["url"].(string)
	token := tokenInLink.FindStringSubmatch(url)[1]
	if !strings.HasPrefix(url, e.url+"/local/setup#token=") || len(e.mailsTo("contact@acme.example")) != 0 {
		t.Fatalf("setup link %s, or a mail was sent", url)
	}
	if r := e.do("GET", "/v1/invitations/"+token, "", ""); r.status != 200 {
		t.Fatalf("open: %d", r.status)
	}
	// 30 days later the link has expired.
	real := e.stack.API.Now
	e.stack.API.Now = func() time.Time { return real().Add(30*24*time.Hour + time.Minute) }
	if r := e.do("GET", "/v1/invitations/"+token, "", ""); r.status != 404 {
		t.Fatalf("expired link: %d", r.status)
	}
	e.stack.API.Now = real
	// Revoke: the link dies and the client is back where it was.
	r := e.do("DELETE", "/v1/clients/"+id+"/invitation", tok, "")
	if r.status != 200 || r.json(t)["client"].(map[string]any)["status"] != "prospect" {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/invitations/"+token, "", ""); r.status != 404 {
		t.Fatalf("revoked link: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/clients/"+id+"/invitation", tok, ""); r.status != 409 {
		t.Fatalf("second revoke: %d", r.status)
	}
	// The local setup page stands in for the front end.
	page, _ := http.Get(e.url + "/local/setup")
	if page == nil || page.StatusCode != 200 {
		t.Fatal("no setup page")
	}
	page.Body.Close()
}

// A failed SES call changes nothing and answers 503; the retry with the same key sends one
// mail.
func TestMailFailure(t *testing.T) {
	e := startWithMail(t)
	tok := e.staff("editor")
	id := e.do("POST", "/v1/clients", tok, `{"first_name":"Jean","email":"jean@example.fr"}`).json(t)["id"].(string)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ServiceUnavailable", "message": "down"})
	}))
	defer broken.Close()
	working := e.stack.API.Mail
	e.stack.API.Mail = &mail.SES{From: "x@clientdesk.local", Client: sesv2.New(sesv2.Options{Region: "us-east-1",
		BaseEndpoint: aws.String(broken.URL), Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
		RetryMaxAttempts: 1})}
	r := e.do("POST", "/v1/clients/"+id+"/invitation", tok, "", "Idempotency-Key", "retry-me", "Accept-Language", "fr")
	if r.status != 503 || r.json(t)["code"] != "mail_delivery_failed" || r.header.Get("Retry-After") == "" {
		t.Fatalf("SES down: %d %s", r.status, r.body)
	}
	if status, access := e.clientStatus(tok, id); status != "prospect" || access["status"] != "not_invited" {
		t.Fatalf("client changed by a failed send: %s %v", status, access)
	}
	e.stack.API.Mail = working
	for range 2 {
		if r := e.do("POST", "/v1/clients/"+id+"/invitation", tok, "", "Idempotency-Key", "retry-me"); r.status != 200 {
			t.Fatalf("retry: %d %s", r.status, r.body)
		}
	}
	if n := len(e.mailsTo("jean@example.fr")); n != 1 {
		t.Fatalf("%d mails after a failure and two retries with one key", n)
	}
}
