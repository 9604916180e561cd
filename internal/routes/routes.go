// Package routes is the one list of the API's operations. The CDK stack makes one Lambda and
// one API Gateway route per entry, the local server dispatches with it, and the tests check
// the OpenAPI document and the functions/ folders against it.
package routes

import (
	"slices"
	"strings"
	"unicode"
)

// Access says what an operation does to data; the stack grants permissions from it.
type Access int

const (
	// Read operations get read-only access to the table.
	Read Access = iota
	// Write operations may read and write the table.
	Write
)

// Route is one API operation.
type Route struct {
	// Operation is the OpenAPI operationId; the Lambda folder name is derived from it.
	Operation string
	Method    string
	// Path uses API Gateway's syntax for parameters: /v1/clients/{id}.
	Path string
	// Public routes skip the JWT authorizer (invitation acceptance, the contract itself).
	Public bool
	Access Access
	// MemoryMB and TimeoutSeconds size the function (defaults in the stack when zero). More
	// memory also means more CPU, which shortens cold starts.
	MemoryMB       int
	TimeoutSeconds int
	// AdminOnly operations refuse editors too (settings that shape every client).
	AdminOnly bool
	// EditorsOnly operations refuse viewers although they change nothing (an e-mail preview).
	EditorsOnly bool
	// Uses is everything the operation's code calls in AWS, and so everything its function is
	// granted: no more (a test compares it with what the code is seen to call).
	Uses []Permission
}

// Worker is a function no route invokes: it consumes the job queue, or answers the user
// pool's sign-in trigger.
type Worker struct {
	Function       string
	MemoryMB       int
	TimeoutSeconds int
	// Uses is everything the worker's code calls, as for a route (an event source's own
	// needs, such as receiving and deleting messages, aside).
	Uses    []Permission
	Trigger Trigger
	// Queue is the queue a FromQueue worker consumes (ExportQueue or ImportQueue).
	Queue Resource
}

// Trigger is what invokes a worker.
type Trigger string

const (
	// FromQueue: the job queue's event source, with partial batch failures.
	FromQueue Trigger = "queue"
	// OnSignIn: the staff user pool's post-authentication trigger (only when the stack makes
	// the pool; an imported identity provider has its own ways).
	OnSignIn Trigger = "sign-in"
)

// Operation names: the route table's, which the API's operations (api.Op) answer to.
const (
	CreateClient = "createClient"
	GetClient    = "getClient"
	ListClients  = "listClients"
	UpdateClient = "updateClient"
	DeleteClient = "deleteClient"
	GetStats     = "getClientStats"
	GetOpenAPI   = "getOpenAPI"

	CreateSetupLink   = "createSetupLink"
	PreviewInvitation = "previewInvitation"
	SendInvitation    = "sendInvitation"
	RevokeInvitation  = "revokeInvitation"
	SuspendClient     = "suspendClient"
	ReactivateClient  = "reactivateClient"
	ArchiveClient     = "archiveClient"
	BulkClients       = "bulkClients"
	UnarchiveClient   = "unarchiveClient"
	GetInvitation     = "getInvitation"
	AcceptInvitation  = "acceptInvitation"

	ListJobs     = "listJobs"
	GetJob       = "getJob"
	CancelJob    = "cancelJob"
	CreateExport = "createExport"
	GetExport    = "getExport"
	ListExports  = "listExports"

	CreateImport        = "createImport"
	GetImport           = "getImport"
	UpdateImportMapping = "updateImportMapping"
	ListImportErrors    = "listImportErrors"
	CommitImport        = "commitImport"
	RevertImport        = "revertImport"

	ListClientEvents = "listClientEvents"
	ListEvents       = "listEvents"
	GetPersonalData  = "getPersonalData"
	EraseClient      = "eraseClient"
	GetSettings      = "getSettings"
	UpdateSettings   = "updateSettings"

	ListSites              = "listSites"
	CreateSite             = "createSite"
	GetSite                = "getSite"
	UpdateSite             = "updateSite"
	DeleteSite             = "deleteSite"
	ListSiteClients        = "listSiteClients"
	ListClientSites        = "listClientSites"
	AssignSite             = "assignSite"
	UnassignSite           = "unassignSite"
	ListPermissions        = "listPermissions"
	ListPermissionPresets  = "listPermissionPresets"
	PutPermissionPreset    = "putPermissionPreset"
	DeletePermissionPreset = "deletePermissionPreset"

	ListStaff        = "listStaff"
	ListClientTeam   = "listClientTeam"
	PutTeamMember    = "putTeamMember"
	DeleteTeamMember = "deleteTeamMember"

	ListFields  = "listClientFields"
	CreateField = "createClientField"
	GetField    = "getClientField"
	UpdateField = "updateClientField"
	DeleteField = "deleteClientField"
)

// What the client operations call, in DynamoDB: a client and its definitions are read with
// one BatchGetItem; a write is a transaction of puts (the record, its words, its event),
// deletes, counter updates and checks; a writer reads the tenant's settings (the events'
// retention) now and then.
var (
	readClient   = "dynamodb:BatchGetItem"
	readSettings = "dynamodb:GetItem"
	changeStatus = []string{readClient, readSettings, "dynamodb:PutItem", "dynamodb:UpdateItem"}
	changeAccess = slices.Concat(changeStatus, []string{"dynamodb:DeleteItem"}) // the link replaced or consumed
	// Moving a client between tabs moves its tag memberships too (deleted from one, put in
	// the other).
	changeTab = changeAccess
	// A team change reads the client and the staff member, then writes the client with the
	// membership of who joins (put); a departure also deletes the one of who leaves.
	changeTeam   = []string{readClient, readSettings, "dynamodb:PutItem"}
	changeFields = []string{"dynamodb:GetItem", "dynamodb:PutItem"}
	// A deletion or an erasure reads the client's collection, deletes it with its filing and
	// records an event in one transaction, then reduces the events and removes the records of
	// its keyed requests in batches.
	// An assignment reads the client, the site, the assignment and the presets in one
	// BatchGetItem and writes one transaction; an unassignment as well, and a site's
	// deletion runs one per client.
	assign   = []string{readClient, readSettings, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}
	unassign = []string{readClient, readSettings, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
	// A site's write: the record updated, its claims and words put and deleted.
	writeSite    = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
	removeClient = []string{"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem",
		"dynamodb:BatchWriteItem", "sqs:SendMessage"}
	// A bulk change reads its clients together (by ids) or counts a filter's (the counters,
	// or the list's pages), then changes each as its own operation would (a transition, an
	// update, a removal); by filter it queues a job.
	bulkChange = slices.Concat(removeClient, changeAccess, changeTeam)
)

// All is the route table.
var All = []Route{
	{Operation: ListClients, Method: "GET", Path: "/v1/clients", Access: Read,
		Uses: uses("dynamodb:Query", "dynamodb:Query@indexes", "dynamodb:BatchGetItem", "dynamodb:GetItem")},
	{Operation: CreateClient, Method: "POST", Path: "/v1/clients", Access: Write, MemoryMB: 512,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem")},
	{Operation: GetClient, Method: "GET", Path: "/v1/clients/{id}", Access: Read, Uses: uses(readClient)},
	{Operation: UpdateClient, Method: "PATCH", Path: "/v1/clients/{id}", Access: Write, MemoryMB: 512,
		Uses: uses(readClient, readSettings, "dynamodb:PutItem", "dynamodb:DeleteItem")},
	{Operation: DeleteClient, Method: "DELETE", Path: "/v1/clients/{id}", Access: Write,
		Uses: uses(append(removeClient, readClient)...)}, // the client read when a job may be working on it
	{Operation: GetStats, Method: "GET", Path: "/v1/clients/stats", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: CreateSetupLink, Method: "POST", Path: "/v1/clients/{id}/setup-link", Access: Write, Uses: uses(changeAccess...)},
	{Operation: PreviewInvitation, Method: "GET", Path: "/v1/clients/{id}/invitation/preview", Access: Read, EditorsOnly: true,
		Uses: uses("dynamodb:GetItem")},
	{Operation: SendInvitation, Method: "POST", Path: "/v1/clients/{id}/invitation", Access: Write,
		Uses: uses(append([]string{"dynamodb:GetItem", "ses:SendEmail"}, changeAccess...)...)},
	{Operation: RevokeInvitation, Method: "DELETE", Path: "/v1/clients/{id}/invitation", Access: Write, Uses: uses(changeAccess...)},
	{Operation: SuspendClient, Method: "POST", Path: "/v1/clients/{id}/suspend", Access: Write, Uses: uses(changeStatus...)},
	{Operation: ReactivateClient, Method: "POST", Path: "/v1/clients/{id}/reactivate", Access: Write, Uses: uses(changeStatus...)},
	{Operation: ArchiveClient, Method: "POST", Path: "/v1/clients/{id}/archive", Access: Write, Uses: uses(changeTab...)},
	{Operation: UnarchiveClient, Method: "POST", Path: "/v1/clients/{id}/unarchive", Access: Write, Uses: uses(changeTab...)},
	{Operation: BulkClients, Method: "POST", Path: "/v1/clients/bulk", Access: Write, TimeoutSeconds: 29, MemoryMB: 512,
		Uses: uses(slices.Concat(bulkChange, []string{"dynamodb:Query@indexes"})...)},
	{Operation: GetInvitation, Method: "GET", Path: "/v1/invitations/{token}", Public: true, Access: Read,
		Uses: uses("dynamodb:GetItem", readClient)},
	{Operation: AcceptInvitation, Method: "POST", Path: "/v1/invitations/{token}/accept", Public: true, Access: Write, MemoryMB: 512,
		Uses: uses(append([]string{"dynamodb:GetItem"}, changeAccess...)...)},
	{Operation: ListClientEvents, Method: "GET", Path: "/v1/clients/{id}/events", Access: Read,
		Uses: uses("dynamodb:Query", "dynamodb:GetItem")},
	{Operation: ListEvents, Method: "GET", Path: "/v1/events", Access: Read,
		Uses: uses("dynamodb:Query", "dynamodb:Query@indexes", "dynamodb:GetItem")},
	{Operation: GetPersonalData, Method: "GET", Path: "/v1/clients/{id}/personal-data", Access: Read, AdminOnly: true,
		Uses: uses("dynamodb:Query", "dynamodb:GetItem")},
	{Operation: EraseClient, Method: "POST", Path: "/v1/clients/{id}/erase", Access: Write, AdminOnly: true, TimeoutSeconds: 29,
		Uses: uses(slices.Concat(removeClient, unassign)...)},
	{Operation: GetSettings, Method: "GET", Path: "/v1/settings", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: UpdateSettings, Method: "PATCH", Path: "/v1/settings", Access: Write, AdminOnly: true,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem")},
	{Operation: ListFields, Method: "GET", Path: "/v1/client-fields", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: CreateField, Method: "POST", Path: "/v1/client-fields", Access: Write, AdminOnly: true, Uses: uses(changeFields...)},
	{Operation: GetField, Method: "GET", Path: "/v1/client-fields/{key}", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: UpdateField, Method: "PATCH", Path: "/v1/client-fields/{key}", Access: Write, AdminOnly: true, Uses: uses(changeFields...)},
	{Operation: DeleteField, Method: "DELETE", Path: "/v1/client-fields/{key}", Access: Write, AdminOnly: true, Uses: uses(changeFields...)},
	{Operation: CreateExport, Method: "POST", Path: "/v1/exports", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage")},
	{Operation: GetExport, Method: "GET", Path: "/v1/exports/{id}", Access: Read, Uses: uses("dynamodb:GetItem", "s3:GetObject")},
	{Operation: ListExports, Method: "GET", Path: "/v1/exports", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: CreateImport, Method: "POST", Path: "/v1/imports", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "s3:PutObject@imports")},
	{Operation: GetImport, Method: "GET", Path: "/v1/imports/{id}", Access: Read,
		Uses: uses("dynamodb:GetItem", "s3:PutObject@imports", "s3:GetObject")},
	{Operation: UpdateImportMapping, Method: "PUT", Path: "/v1/imports/{id}/mapping", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage@imports")},
	{Operation: ListImportErrors, Method: "GET", Path: "/v1/imports/{id}/errors", Access: Read, Uses: uses("dynamodb:GetItem", "dynamodb:Query")},
	{Operation: CommitImport, Method: "POST", Path: "/v1/imports/{id}/commit", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage@imports")},
	{Operation: RevertImport, Method: "POST", Path: "/v1/imports/{id}/revert", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage@imports")},
	{Operation: ListJobs, Method: "GET", Path: "/v1/jobs", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: GetJob, Method: "GET", Path: "/v1/jobs/{id}", Access: Read, Uses: uses("dynamodb:GetItem", "s3:GetObject")},
	{Operation: CancelJob, Method: "POST", Path: "/v1/jobs/{id}/cancel", Access: Write,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")},
	{Operation: ListSites, Method: "GET", Path: "/v1/sites", Access: Read,
		Uses: uses("dynamodb:Query", "dynamodb:Query@indexes", "dynamodb:BatchGetItem")},
	{Operation: CreateSite, Method: "POST", Path: "/v1/sites", Access: Write, Uses: uses("dynamodb:GetItem", "dynamodb:PutItem")},
	{Operation: GetSite, Method: "GET", Path: "/v1/sites/{id}", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: UpdateSite, Method: "PATCH", Path: "/v1/sites/{id}", Access: Write, Uses: uses(writeSite...)},
	{Operation: DeleteSite, Method: "DELETE", Path: "/v1/sites/{id}", Access: Write, TimeoutSeconds: 29,
		Uses: uses(append([]string{"dynamodb:Query", "sqs:SendMessage"}, slices.Concat(writeSite, unassign)...)...)},
	{Operation: ListSiteClients, Method: "GET", Path: "/v1/sites/{id}/clients", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: ListClientSites, Method: "GET", Path: "/v1/clients/{id}/sites", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: AssignSite, Method: "PUT", Path: "/v1/clients/{id}/sites/{site_id}", Access: Write, Uses: uses(assign...)},
	{Operation: UnassignSite, Method: "DELETE", Path: "/v1/clients/{id}/sites/{site_id}", Access: Write, Uses: uses(unassign...)},
	{Operation: ListPermissions, Method: "GET", Path: "/v1/permissions", Access: Read},
	{Operation: ListPermissionPresets, Method: "GET", Path: "/v1/permission-presets", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: PutPermissionPreset, Method: "PUT", Path: "/v1/permission-presets/{key}", Access: Write, AdminOnly: true,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem")},
	{Operation: DeletePermissionPreset, Method: "DELETE", Path: "/v1/permission-presets/{key}", Access: Write, AdminOnly: true,
		Uses: uses("dynamodb:GetItem", "dynamodb:PutItem")},
	{Operation: ListStaff, Method: "GET", Path: "/v1/staff", Access: Read, Uses: uses("dynamodb:Query")},
	{Operation: ListClientTeam, Method: "GET", Path: "/v1/clients/{id}/team", Access: Read, Uses: uses("dynamodb:GetItem")},
	{Operation: PutTeamMember, Method: "PUT", Path: "/v1/clients/{id}/team/{staff_sub}", Access: Write, Uses: uses(changeTeam...)},
	{Operation: DeleteTeamMember, Method: "DELETE", Path: "/v1/clients/{id}/team/{staff_sub}", Access: Write,
		Uses: uses(append(changeTeam, "dynamodb:DeleteItem")...)},
	{Operation: GetOpenAPI, Method: "GET", Path: "/v1/openapi.json", Public: true, Access: Read},
}

// Workers are the functions under functions/ that no route invokes (queue consumers).
var Workers = []Worker{
	{Function: "record-staff", Trigger: OnSignIn, Uses: uses("dynamodb:UpdateItem", "cognito-idp:AdminListGroupsForUser")},
	{Function: "job-worker", MemoryMB: 1024, TimeoutSeconds: 900, Trigger: FromQueue, Queue: ExportQueue,
		Uses: uses("dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Query@indexes", "dynamodb:BatchGetItem",
			"dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem",
			"s3:PutObject", "s3:AbortMultipartUpload", "ses:SendEmail", "sqs:SendMessage")},
	// The import worker reads the uploaded files (it alone), checks every row against the
	// clients (by their claims, then the clients), keeps the errors and writes the failing
	// rows' file; a commit writes the rows as a create or an update would, hands over to a
	// next message when its invocation runs short, and tells the requester by mail; a revert
	// deletes (reading the client's collection) or restores what it wrote. Its own
	// function: it links the spreadsheet readers, which nothing else needs.
	{Function: "import-worker", MemoryMB: 1024, TimeoutSeconds: 900, Trigger: FromQueue, Queue: ImportQueue,
		Uses: uses(slices.Concat([]string{"dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchGetItem",
			"dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:Query",
			"s3:GetObject@imports", "s3:PutObject", "ses:SendEmail", "sqs:SendMessage@imports"})...)},
}

// WorkerOf is the worker of a function (zero when there is none).
func WorkerOf(function string) Worker {
	for _, w := range Workers {
		if w.Function == function {
			return w
		}
	}
	return Worker{}
}

// Key is the API Gateway route key, "GET /v1/clients/{id}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// Function is the name of the Lambda folder under functions/: createClient -> create-client,
// getOpenAPI -> get-open-api.
func (r Route) Function() string {
	var b strings.Builder
	prevLower := false
	for _, c := range r.Operation {
		if unicode.IsUpper(c) {
			if prevLower {
				b.WriteByte('-')
			}
			c = unicode.ToLower(c)
			prevLower = false
		} else {
			prevLower = true
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Match finds the route for a method and a concrete path and returns its path parameters.
// As in API Gateway, the most specific route wins: /v1/clients/stats before /v1/clients/{id}.
func Match(method, path string) (Route, map[string]string, bool) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best Route
	var bestParams map[string]string
	found := false
	for _, r := range All {
		if r.Method != method {
			continue
		}
		if params, ok := matchPath(strings.Split(strings.TrimPrefix(r.Path, "/"), "/"), segs); ok {
			if !found || len(params) < len(bestParams) {
				best, bestParams, found = r, params, true
			}
		}
	}
	return best, bestParams, found
}

func matchPath(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.TrimSuffix(name, "}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
