package routes

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Permission is an IAM action on one of the stack's resources: what a function's code calls.
type Permission struct {
	Action   string
	Resource Resource
}

// Resource is a resource of the stack, as grants name it.
type Resource string

// The stack's resources that functions call.
const (
	// Table is the table's items; TableIndexes its global secondary indexes.
	Table        Resource = "table"
	TableIndexes Resource = "table-indexes"
	// ExportFiles is the exports/ prefix of the exports bucket; ImportFiles its imports/
	// prefix, where staff upload the files to import.
	ExportFiles Resource = "export-files"
	ImportFiles Resource = "import-files"
	// ExportQueue is the export queue (the job worker's); ImportQueue the import worker's.
	ExportQueue Resource = "export-queue"
	ImportQueue Resource = "import-queue"
	// MailIdentity is the SES sender identity and its configuration set.
	MailIdentity Resource = "mail-identity"
	// UserPool is the staff's Cognito user pool.
	UserPool Resource = "user-pool"
)

func (p Permission) String() string { return p.Action + " on " + string(p.Resource) }

// ComparePermissions orders permissions by resource, then action.
func ComparePermissions(a, b Permission) int {
	return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Action, b.Action))
}

// uses reads the permissions of the route table's shorthand: "dynamodb:GetItem" is on the
// table, "dynamodb:Query@indexes" on its indexes, s3 actions on the export files
// ("s3:PutObject@imports" on the import files), sqs on the export queue ("@imports": the
// import queue), ses on the mail identity.
func uses(actions ...string) []Permission {
	out := make([]Permission, 0, len(actions))
	for _, a := range actions {
		action, onIndexes := strings.CutSuffix(a, "@indexes")
		action, onImports := strings.CutSuffix(action, "@imports")
		var res Resource
		switch service, _, _ := strings.Cut(action, ":"); {
		case onIndexes:
			res = TableIndexes
		case onImports && service == "sqs":
			res = ImportQueue
		case onImports:
			res = ImportFiles
		case service == "dynamodb":
			res = Table
		case service == "s3":
			res = ExportFiles
		case service == "sqs":
			res = ExportQueue
		case service == "ses":
			res = MailIdentity
		case service == "cognito-idp":
			res = UserPool
		default:
			panic("routes: no resource for " + a)
		}
		if p := (Permission{Action: action, Resource: res}); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Calls reports whether the function calls anything on res.
func Calls(perms []Permission, res Resource) bool {
	for _, p := range perms {
		if p.Resource == res {
			return true
		}
	}
	return false
}

type functionKey struct{}

// WithFunction marks ctx as the work of a function (its folder name under functions/), so
// that what it calls can be told apart from what others call in one process (the local stack).
func WithFunction(ctx context.Context, function string) context.Context {
	return context.WithValue(ctx, functionKey{}, function)
}

// FunctionOf is the function ctx works for ("" outside any).
func FunctionOf(ctx context.Context) string {
	fn, _ := ctx.Value(functionKey{}).(string)
	return fn
}
