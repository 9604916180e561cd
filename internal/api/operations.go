package api

import (
	"context"

	"github.com/clientdesk/clientdesk/internal/routes"
)

// Op is one operation of the API as a function's main names it (service.Start(api.GetClient,
// …)): a function's binary then links that operation's code and no other's, where a table of
// every operation would link them all. The local stack, which serves every route, reaches
// them through allOps.
type Op struct {
	Name string
	fn   func(a *API, ctx context.Context, r *request) (*response, error)
}

// The operations, one per route (routes.All).
var (
	CreateClient           = Op{routes.CreateClient, (*API).createClient}
	GetClient              = Op{routes.GetClient, (*API).getClient}
	ListClients            = Op{routes.ListClients, (*API).listClients}
	UpdateClient           = Op{routes.UpdateClient, (*API).updateClient}
	DeleteClient           = Op{routes.DeleteClient, (*API).deleteClient}
	GetStats               = Op{routes.GetStats, (*API).getClientStats}
	CreateSetupLink        = Op{routes.CreateSetupLink, (*API).createSetupLink}
	PreviewInvitation      = Op{routes.PreviewInvitation, (*API).previewInvitation}
	SendInvitation         = Op{routes.SendInvitation, (*API).sendInvitation}
	RevokeInvitation       = Op{routes.RevokeInvitation, (*API).revokeInvitation}
	SuspendClient          = Op{routes.SuspendClient, (*API).suspendClient}
	ReactivateClient       = Op{routes.ReactivateClient, (*API).reactivateClient}
	ArchiveClient          = Op{routes.ArchiveClient, (*API).archiveClient}
	UnarchiveClient        = Op{routes.UnarchiveClient, (*API).unarchiveClient}
	BulkClients            = Op{routes.BulkClients, (*API).bulkClients}
	GetInvitation          = Op{routes.GetInvitation, (*API).getInvitation}
	AcceptInvitation       = Op{routes.AcceptInvitation, (*API).acceptInvitation}
	CreateExport           = Op{routes.CreateExport, (*API).createExport}
	GetExport              = Op{routes.GetExport, (*API).getExport}
	CreateImport           = Op{routes.CreateImport, (*API).createImport}
	GetImport              = Op{routes.GetImport, (*API).getImport}
	UpdateImportMapping    = Op{routes.UpdateImportMapping, (*API).updateImportMapping}
	ListImportErrors       = Op{routes.ListImportErrors, (*API).listImportErrors}
	CommitImport           = Op{routes.CommitImport, (*API).commitImport}
	RevertImport           = Op{routes.RevertImport, (*API).revertImport}
	ListExports            = Op{routes.ListExports, (*API).listExports}
	ListJobs               = Op{routes.ListJobs, (*API).listJobs}
	GetJob                 = Op{routes.GetJob, (*API).getJob}
	CancelJob              = Op{routes.CancelJob, (*API).cancelJob}
	ListClientEvents       = Op{routes.ListClientEvents, (*API).listClientEvents}
	ListEvents             = Op{routes.ListEvents, (*API).listEvents}
	GetPersonalData        = Op{routes.GetPersonalData, (*API).getPersonalData}
	EraseClient            = Op{routes.EraseClient, (*API).eraseClient}
	GetSettings            = Op{routes.GetSettings, (*API).getSettings}
	UpdateSettings         = Op{routes.UpdateSettings, (*API).updateSettings}
	ListFields             = Op{routes.ListFields, (*API).listClientFields}
	CreateField            = Op{routes.CreateField, (*API).createClientField}
	GetField               = Op{routes.GetField, (*API).getClientField}
	UpdateField            = Op{routes.UpdateField, (*API).updateClientField}
	DeleteField            = Op{routes.DeleteField, (*API).deleteClientField}
	GetOpenAPI             = Op{routes.GetOpenAPI, func(_ *API, ctx context.Context, r *request) (*response, error) { return getOpenAPI(ctx, r) }}
	ListSites              = Op{routes.ListSites, (*API).listSites}
	CreateSite             = Op{routes.CreateSite, (*API).createSite}
	GetSite                = Op{routes.GetSite, (*API).getSite}
	UpdateSite             = Op{routes.UpdateSite, (*API).updateSite}
	DeleteSite             = Op{routes.DeleteSite, (*API).deleteSite}
	ListSiteClients        = Op{routes.ListSiteClients, (*API).listSiteClients}
	ListClientSites        = Op{routes.ListClientSites, (*API).listClientSites}
	AssignSite             = Op{routes.AssignSite, (*API).assignSite}
	UnassignSite           = Op{routes.UnassignSite, (*API).unassignSite}
	ListPermissions        = Op{routes.ListPermissions, (*API).listPermissions}
	ListPermissionPresets  = Op{routes.ListPermissionPresets, (*API).listPermissionPresets}
	PutPermissionPreset    = Op{routes.PutPermissionPreset, (*API).putPermissionPreset}
	DeletePermissionPreset = Op{routes.DeletePermissionPreset, (*API).deletePermissionPreset}
	ListStaff              = Op{routes.ListStaff, (*API).listStaff}
	ListClientTeam         = Op{routes.ListClientTeam, (*API).listClientTeam}
	PutTeamMember          = Op{routes.PutTeamMember, (*API).putTeamMember}
	DeleteTeamMember       = Op{routes.DeleteTeamMember, (*API).deleteTeamMember}
)

// allOps are every operation: for the local stack and the tests, never a function's main.
func allOps() []Op {
	return []Op{
		CreateClient,
		GetClient,
		ListClients,
		UpdateClient,
		DeleteClient,
		GetStats,
		CreateSetupLink,
		PreviewInvitation,
		SendInvitation,
		RevokeInvitation,
		SuspendClient,
		ReactivateClient,
		ArchiveClient,
		UnarchiveClient,
		BulkClients,
		GetInvitation,
		AcceptInvitation,
		CreateExport,
		GetExport,
		CreateImport,
		GetImport,
		UpdateImportMapping,
		ListImportErrors,
		CommitImport,
		RevertImport,
		ListExports,
		ListJobs,
		GetJob,
		CancelJob,
		ListClientEvents,
		ListEvents,
		GetPersonalData,
		EraseClient,
		GetSettings,
		UpdateSettings,
		ListFields,
		CreateField,
		GetField,
		UpdateField,
		DeleteField,
		GetOpenAPI,
		ListSites,
		CreateSite,
		GetSite,
		UpdateSite,
		DeleteSite,
		ListSiteClients,
		ListClientSites,
		AssignSite,
		UnassignSite,
		ListPermissions,
		ListPermissionPresets,
		PutPermissionPreset,
		DeletePermissionPreset,
		ListStaff,
		ListClientTeam,
		PutTeamMember,
		DeleteTeamMember,
	}
}
