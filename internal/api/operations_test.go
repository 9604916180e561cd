package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/clientdesk/clientdesk/internal/routes"
)

// opByName names each operation as a function's main does.
var opByName = map[string]Op{
	"CreateClient":           CreateClient,
	"GetClient":              GetClient,
	"CreateImport":           CreateImport,
	"GetImport":              GetImport,
	"ListClients":            ListClients,
	"UpdateClient":           UpdateClient,
	"DeleteClient":           DeleteClient,
	"GetStats":               GetStats,
	"CreateSetupLink":        CreateSetupLink,
	"PreviewInvitation":      PreviewInvitation,
	"SendInvitation":         SendInvitation,
	"RevokeInvitation":       RevokeInvitation,
	"SuspendClient":          SuspendClient,
	"ReactivateClient":       ReactivateClient,
	"ArchiveClient":          ArchiveClient,
	"UnarchiveClient":        UnarchiveClient,
	"BulkClients":            BulkClients,
	"GetInvitation":          GetInvitation,
	"AcceptInvitation":       AcceptInvitation,
	"CreateExport":           CreateExport,
	"GetExport":              GetExport,
	"ListExports":            ListExports,
	"ListJobs":               ListJobs,
	"GetJob":                 GetJob,
	"CancelJob":              CancelJob,
	"ListClientEvents":       ListClientEvents,
	"ListEvents":             ListEvents,
	"GetPersonalData":        GetPersonalData,
	"EraseClient":            EraseClient,
	"GetSettings":            GetSettings,
	"UpdateSettings":         UpdateSettings,
	"ListFields":             ListFields,
	"CreateField":            CreateField,
	"GetField":               GetField,
	"UpdateField":            UpdateField,
	"DeleteField":            DeleteField,
	"GetOpenAPI":             GetOpenAPI,
	"ListSites":              ListSites,
	"CreateSite":             CreateSite,
	"GetSite":                GetSite,
	"UpdateSite":             UpdateSite,
	"DeleteSite":             DeleteSite,
	"ListSiteClients":        ListSiteClients,
	"ListClientSites":        ListClientSites,
	"AssignSite":             AssignSite,
	"UnassignSite":           UnassignSite,
	"ListPermissions":        ListPermissions,
	"ListPermissionPresets":  ListPermissionPresets,
	"PutPermissionPreset":    PutPermissionPreset,
	"DeletePermissionPreset": DeletePermissionPreset,
	"ListStaff":              ListStaff,
	"ListClientTeam":         ListClientTeam,
	"PutTeamMember":          PutTeamMember,
	"DeleteTeamMember":       DeleteTeamMember,
	"UpdateImportMapping":    UpdateImportMapping,
	"ListImportErrors":       ListImportErrors,
	"CommitImport":           CommitImport,
	"RevertImport":           RevertImport,
}

// Every route has one operation, and its function's main starts exactly that one (a main
// naming another would serve the wrong route and still build).
func TestEachFunctionStartsItsOperation(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range allOps() {
		if seen[op.Name] {
			t.Errorf("operation %s twice", op.Name)
		}
		seen[op.Name] = true
	}
	for _, r := range routes.All {
		if !seen[r.Operation] {
			t.Errorf("route %s %s: no operation %s", r.Method, r.Path, r.Operation)
		}
		path := filepath.Join("..", "..", "functions", r.Function(), "main.go")
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		var started []string
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if fn, ok := call.Fun.(*ast.SelectorExpr); ok && fn.Sel.Name == "Start" {
				if arg, ok := call.Args[0].(*ast.SelectorExpr); ok {
					started = append(started, arg.Sel.Name)
				}
			}
			return true
		})
		if len(started) != 1 || opByName[started[0]].Name != r.Operation {
			t.Errorf("%s starts %v, want the operation %s", path, started, r.Operation)
		}
	}
}
