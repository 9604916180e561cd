// Command dev runs the whole service locally (make dev): the API on 127.0.0.1:$PORT (8080 by
// default) over in-process emulators, with a local token issuer. Ctrl-C stops everything.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/clientdesk/clientdesk/internal/localstack"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	log := service.NewLogger(os.Stderr)
	stack, err := localstack.Start(ctx, localstack.Options{Issuer: base + "/local", Log: log, Mail: true, SetupURL: base + "/local/setup",
		FrontendOrigin: os.Getenv("FRONTEND_ORIGIN")})
	if err != nil {
		return err
	}
	defer stack.Close()

	srv := &http.Server{Handler: stack.Server, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	token, err := stack.Tokens.Issue("demo", "Agence Démo", "alice", []string{"admin"})
	if err != nil {
		return err
	}
	fmt.Printf(`
clientdesk is running on %[1]s (DynamoDB: minidyn at %[2]s, table %[3]q)

Get a token (tenant, subject, roles: admin | editor | viewer):
  curl -s -X POST %[1]s/local/token -H 'Content-Type: application/json' -d '{"tenant_id":"demo","tenant_name":"Agence Démo","sub":"alice","roles":["admin"]}'

Or use this one (tenant demo, admin, valid 1 h):
  export TOKEN=%[4]s

Create a client:
  curl -si -X POST %[1]s/v1/clients -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr","address":{"country":"FR"},"phones":["06 12 34 56 78"]}'

List clients:      curl -s %[1]s/v1/clients -H "Authorization: Bearer $TOKEN"
Invite the client (use its id from the create above), then read the mail:
  curl -s -X POST %[1]s/v1/clients/$ID/invitation -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"message":"Bienvenue !"}'
  curl -s %[1]s/local/mail -H 'Content-Type: application/json'

Mailbox (SES emulator): %[5]s    as JSON: %[1]s/local/mail (with Content-Type: application/json)
CORS lets in pages of this machine (any port) and FRONTEND_ORIGIN, if set; /local/* answer JSON requests only.
Contract:               %[1]s/v1/openapi.json

Ctrl-C stops everything.
`, base, stack.DynamoDB.URL, stack.DynamoDB.Table, token, stack.SES.URL)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("\nstopping")
	return srv.Shutdown(shutdown)
}
