// Package staff mirrors the identity provider's users into the staff directory: the Cognito
// post-authentication trigger records each staff member as they sign in (name, address,
// roles from their groups, the time). The local token issuer runs the same handler, with the
// same event, so that make dev behaves as AWS does.
package staff

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Directory keeps the staff directory (package store).
type Directory interface {
	RecordStaff(ctx context.Context, tenant string, m domain.StaffMember) error
}

// Groups lists a user's groups (Cognito's AdminListGroupsForUser).
type Groups interface {
	AdminListGroupsForUser(ctx context.Context, in *cognitoidentityprovider.AdminListGroupsForUserInput, opts ...func(*cognitoidentityprovider.Options)) (*cognitoidentityprovider.AdminListGroupsForUserOutput, error)
}

// Recorder handles post-authentication events. Build it once per process.
type Recorder struct {
	Directory Directory
	Groups    Groups
	// TenantAttribute is the user attribute that holds the tenant (custom:tenant_id).
	TenantAttribute string
	Now             func() time.Time
	Log             *slog.Logger
}

// Handle records the member who just signed in and returns the event unchanged. It never
// fails: a sign-in must not be refused because the directory could not be written (the
// next sign-in writes it); the failure is logged.
func (r *Recorder) Handle(ctx context.Context, ev events.CognitoEventUserPoolsPostAuthentication) (events.CognitoEventUserPoolsPostAuthentication, error) {
	attrs := ev.Request.UserAttributes
	tenant := attrs[r.TenantAttribute]
	m := domain.StaffMember{Sub: attrs["sub"], Email: attrs["email"], Name: name(attrs), LastSignInAt: domain.At(r.Now())}
	log := r.Log.With("tenant", tenant, "sub", m.Sub)
	if tenant == "" || strings.Contains(tenant, "#") || !domain.ValidStaffSub(m.Sub) {
		log.WarnContext(ctx, "sign-in without a tenant or a usable sub: not recorded")
		return ev, nil
	}
	var next *string
	for {
		out, err := r.Groups.AdminListGroupsForUser(ctx, &cognitoidentityprovider.AdminListGroupsForUserInput{
			UserPoolId: aws.String(ev.UserPoolID), Username: aws.String(ev.UserName), NextToken: next})
		if err != nil {
			log.ErrorContext(ctx, "staff groups not read", "error", err.Error())
			return ev, nil
		}
		for _, g := range out.Groups {
			m.Roles = append(m.Roles, aws.ToString(g.GroupName))
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if err := r.Directory.RecordStaff(ctx, tenant, m); err != nil {
		log.ErrorContext(ctx, "staff member not recorded", "error", err.Error())
	}
	return ev, nil
}

// name is the display name the attributes give: name, else given and family names.
func name(attrs map[string]string) string {
	if n := strings.TrimSpace(attrs["name"]); n != "" {
		return n
	}
	return strings.TrimSpace(attrs["given_name"] + " " + attrs["family_name"])
}
