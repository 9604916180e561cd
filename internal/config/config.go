// Package config reads a function's settings from its environment once, at start-up. A missing
// setting stops the function at init with a message naming it, never in the middle of a request.
package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/auth"
)

// Config is every setting the functions read. The CDK stack sets these variables from the same
// names (Env), so the two cannot drift.
type Config struct {
	// TableName is the DynamoDB table (required).
	TableName string
	// Claims names the JWT claims that carry the tenant and the roles.
	Claims auth.ClaimNames
	// Endpoint points every AWS client at an emulator instead of AWS (local runs only).
	Endpoint string
	// SESEndpoint points the mail client at the SES emulator (local runs only).
	SESEndpoint string
	// TenantNameClaim names the claim with the tenant's display name (e-mails, setup page).
	TenantNameClaim string
	// SetupURL is the front end's page where a client opens a link; the token follows in
	// the fragment (#token=…), which browsers never send to servers.
	SetupURL string
	// MailFrom and MailReplyTo address invitations; MailConfigurationSet tracks them.
	MailFrom             string
	MailReplyTo          string
	MailConfigurationSet string
	// TimeZone is the tenant's zone for dates in e-mails (IANA name).
	TimeZone string
	// ExportsQueueURL and ExportsBucket carry the jobs' messages and files; MaxRunningJobs
	// bounds a tenant's unfinished jobs (every kind); AppURL is the front end, whose
	// /exports/<id> and /jobs/<id> pages the job e-mails link to.
	ExportsQueueURL string
	ExportsBucket   string
	// ImportsQueueURL carries the import jobs' messages, to the import worker.
	ImportsQueueURL string
	MaxRunningJobs  int
	AppURL          string
	// InvitationsPerHour caps a tenant's invitation e-mails in an hour.
	InvitationsPerHour int
}

// Defaults and fixed settings, defined once: Load, the CDK stack and the local stack read
// these, so a deployed function and a local one cannot differ.
const (
	// DefaultTimeZone is the zone e-mails write dates in when TIME_ZONE is not set.
	DefaultTimeZone = "Europe/Paris"
	// DefaultMaxRunningJobs bounds a tenant's unfinished jobs.
	DefaultMaxRunningJobs = 3
	// DefaultMemoryMB and DefaultTimeoutSeconds size a function the route table does not size.
	DefaultMemoryMB       = 256
	DefaultTimeoutSeconds = 10
	// ExportPageSize is the clients an export reads per request.
	ExportPageSize = 1000
	// JobMaxAttempts is the runs of a job before it fails: the queue's maxReceiveCount,
	// after which the message goes to the dead-letter queue.
	JobMaxAttempts = 3
	// ExportFileRetentionDays is how long a job's file stays in the bucket; the job stays
	// listed one day longer (JobRetention), so a reader learns the file has expired.
	ExportFileRetentionDays = 7
	JobRetention            = (ExportFileRetentionDays + 1) * 24 * time.Hour
	// ImportFileRetentionDays is how long an import's file stays in the bucket (to revert,
	// re-read or download its failing rows); the import is kept as long (ImportRetention).
	ImportFileRetentionDays = 30
	ImportRetention         = ImportFileRetentionDays * 24 * time.Hour
	// UploadValidity is how long an import's presigned upload works.
	UploadValidity = 15 * time.Minute
	// IdempotencyWindow is how long a create can be replayed with its Idempotency-Key.
	IdempotencyWindow = 24 * time.Hour
	// DefaultInvitationsPerHour caps a tenant's invitation e-mails in an hour.
	DefaultInvitationsPerHour = 200
	// InlineRedactionEvents is the longest history a deletion or an erasure reduces within
	// its request (BatchWriteItem, 25 events a request: a few seconds); a longer one is
	// reduced by the worker, from the queue.
	InlineRedactionEvents = 1000
	// BulkPageSize is the clients a bulk job changes between two reports of its progress (and
	// the results it keeps per item).
	BulkPageSize = 100
	// HotWriteUnitsPerSecond bounds the write units a second a job that writes many clients
	// (a bulk change, an import's commit) puts on the tenant's busiest partition key (a
	// list index's tab, a shared word's or tag's shard: store.HotWriteUnits), under
	// DynamoDB's 1,000 a second per partition key with room for the tenant's other traffic.
	HotWriteUnitsPerSecond = 800
	// JobHandOver is the time a job's invocation keeps before its deadline to hand the job on
	// to a next one (a new message), rather than start a page it may not finish.
	JobHandOver = 60 * time.Second
	// InlineSiteUnassignments is the most clients a site's deletion unassigns within the
	// request; a site with more is cleaned up by the worker, from the queue.
	InlineSiteUnassignments = 100
)

// FilesCORS is the files bucket's one CORS rule (exports and imports): the web front end
// PUTs an import's file straight to its presigned link, with the Content-Type the link was
// signed with (Content-Length is the browser's own). The stack allows the deployment's front
// end origin; the local stack, that and any page served from the machine.
var FilesCORS = CORSRule{Methods: []string{"PUT"}, Headers: []string{"content-type"}, MaxAgeSeconds: 3600}

// CORSRule is a bucket's CORS rule but its origins.
type CORSRule struct {
	Methods, Headers []string
	MaxAgeSeconds    int
}

// Environment variable names.
const (
	EnvTableName   = "TABLE_NAME"
	EnvTenantClaim = "TENANT_CLAIM"
	EnvRolesClaim  = "ROLES_CLAIM"
	EnvEndpoint    = "AWS_ENDPOINT_URL"
	EnvSESEndpoint = "SES_ENDPOINT_URL"
	EnvTenantName  = "TENANT_NAME_CLAIM"
	EnvSetupURL    = "SETUP_URL"
	EnvMailFrom    = "MAIL_FROM"
	EnvMailReplyTo = "MAIL_REPLY_TO"
	EnvMailConfig  = "MAIL_CONFIGURATION_SET"
	EnvTimeZone    = "TIME_ZONE"
	EnvQueueURL    = "EXPORTS_QUEUE_URL"
	EnvImportQueue = "IMPORTS_QUEUE_URL"
	EnvBucket      = "EXPORTS_BUCKET"
	EnvMaxJobs     = "MAX_RUNNING_JOBS"
	EnvAppURL      = "APP_URL"
	EnvInvitations = "INVITATIONS_PER_HOUR"
)

// Load reads the configuration through getenv (os.Getenv in a function).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		TableName:            strings.TrimSpace(getenv(EnvTableName)),
		Claims:               auth.DefaultClaimNames,
		Endpoint:             strings.TrimSpace(getenv(EnvEndpoint)),
		SESEndpoint:          strings.TrimSpace(getenv(EnvSESEndpoint)),
		TenantNameClaim:      auth.DefaultClaimNames.TenantName,
		SetupURL:             strings.TrimSpace(getenv(EnvSetupURL)),
		MailFrom:             strings.TrimSpace(getenv(EnvMailFrom)),
		MailReplyTo:          strings.TrimSpace(getenv(EnvMailReplyTo)),
		MailConfigurationSet: strings.TrimSpace(getenv(EnvMailConfig)),
		TimeZone:             DefaultTimeZone,
	}
	if v := strings.TrimSpace(getenv(EnvTenantName)); v != "" {
		c.TenantNameClaim = v
	}
	c.Claims.TenantName = c.TenantNameClaim
	c.ExportsQueueURL = strings.TrimSpace(getenv(EnvQueueURL))
	c.ImportsQueueURL = strings.TrimSpace(getenv(EnvImportQueue))
	c.ExportsBucket = strings.TrimSpace(getenv(EnvBucket))
	c.AppURL = strings.TrimSpace(getenv(EnvAppURL))
	c.MaxRunningJobs = DefaultMaxRunningJobs
	if v := strings.TrimSpace(getenv(EnvMaxJobs)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("config: %s must be a positive number", EnvMaxJobs)
		}
		c.MaxRunningJobs = n
	}
	c.InvitationsPerHour = DefaultInvitationsPerHour
	if v := strings.TrimSpace(getenv(EnvInvitations)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("config: %s must be a positive number", EnvInvitations)
		}
		c.InvitationsPerHour = n
	}
	if v := strings.TrimSpace(getenv(EnvTimeZone)); v != "" {
		c.TimeZone = v
	}
	if v := strings.TrimSpace(getenv(EnvTenantClaim)); v != "" {
		c.Claims.Tenant = v
	}
	if v := strings.TrimSpace(getenv(EnvRolesClaim)); v != "" {
		c.Claims.Roles = v
	}
	if c.TableName == "" {
		return c, fmt.Errorf("config: %s is not set", EnvTableName)
	}
	return c, nil
}

// Env is the environment that produces c, for the stack to give each function.
func (c Config) Env() map[string]string {
	env := map[string]string{EnvTableName: c.TableName, EnvTenantClaim: c.Claims.Tenant, EnvRolesClaim: c.Claims.Roles,
		EnvTenantName: c.TenantNameClaim, EnvTimeZone: c.TimeZone}
	if c.MaxRunningJobs > 0 {
		env[EnvMaxJobs] = strconv.Itoa(c.MaxRunningJobs)
	}
	if c.InvitationsPerHour > 0 {
		env[EnvInvitations] = strconv.Itoa(c.InvitationsPerHour)
	}
	for name, v := range map[string]string{EnvEndpoint: c.Endpoint, EnvSESEndpoint: c.SESEndpoint, EnvSetupURL: c.SetupURL,
		EnvMailFrom: c.MailFrom, EnvMailReplyTo: c.MailReplyTo, EnvMailConfig: c.MailConfigurationSet,
		EnvQueueURL: c.ExportsQueueURL, EnvImportQueue: c.ImportsQueueURL, EnvBucket: c.ExportsBucket, EnvAppURL: c.AppURL} {
		if v != "" {
			env[name] = v
		}
	}
	return env
}

// RequireLinks checks what the functions that make setup links need.
func (c Config) RequireLinks() error {
	if !strings.HasPrefix(c.SetupURL, "https://") && !strings.HasPrefix(c.SetupURL, "http://") {
		return fmt.Errorf("config: %s must be the front end's setup page URL", EnvSetupURL)
	}
	return nil
}

// RequireMail checks what the functions that send mail need.
func (c Config) RequireMail() error {
	if err := c.RequireLinks(); err != nil {
		return err
	}
	if c.MailFrom == "" {
		return fmt.Errorf("config: %s is not set", EnvMailFrom)
	}
	return nil
}
