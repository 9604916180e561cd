package api

import "github.com/clientdesk/clientdesk/internal/domain"

// text is a message in each language a person may read. French follows French typography:
// guillemets and a no-break space before two-part punctuation (: ; ? !).
type text struct{ en, fr string }

func (t text) in(lang string) string {
	if lang == "fr" {
		return t.fr
	}
	return t.en
}

type problemText struct{ title, detail text }

// problemTexts: one entry per problem code; a test checks that none is missing. A detail
// containing %s receives the name of the offending parameter.
var problemTexts = map[domain.Code]problemText{
	domain.CodeValidation: {
		text{"Validation failed", "Validation échouée"},
		text{"Some values are not valid; see errors for each field.", "Certaines valeurs ne sont pas valides\u00a0: voir errors pour chaque champ."}},
	domain.CodeMalformedJSON: {
		text{"Malformed JSON", "JSON mal formé"},
		text{"The request body is not valid JSON.", "Le corps de la requête n’est pas un JSON valide."}},
	domain.CodeBodyTooLarge: {
		text{"Request body too large", "Corps de requête trop volumineux"},
		text{"The request body exceeds 64 KiB.", "Le corps de la requête dépasse 64\u00a0Kio."}},
	domain.CodeUnsupportedMedia: {
		text{"Unsupported media type", "Type de contenu non pris en charge"},
		text{"Send the body as %s.", "Envoyez le corps en %s."}},
	domain.CodeInvalidParameter: {
		text{"Invalid parameter", "Paramètre invalide"},
		text{"The parameter %s is not valid.", "Le paramètre «\u00a0%s\u00a0» n’est pas valide."}},
	domain.CodeInvalidCursor: {
		text{"Invalid cursor", "Curseur invalide"},
		text{"The cursor was altered, or belongs to another query: start again from the first page.", "Le curseur a été modifié ou appartient à une autre requête\u00a0: reprenez depuis la première page."}},
	domain.CodeSearchTooBroad: {
		text{"Search too broad to sort", "Recherche trop large pour être triée"},
		text{"This search matches more than 1,000 clients: narrow it (more words, a status, a tag) to sort it by name, or list it newest first.", "Cette recherche trouve plus de 1\u202f000\u00a0clients\u00a0: précisez-la (d’autres mots, un statut, une étiquette) pour la trier par nom, ou affichez-la des plus récents aux plus anciens."}},
	domain.CodeSearchTooShort: {
		text{"Search too short", "Recherche trop courte"},
		text{"Type at least two letters of a word, or four digits of a number.", "Tapez au moins deux lettres d’un mot, ou quatre chiffres d’un numéro."}},
	domain.CodeInvalidID: {
		text{"Invalid identifier", "Identifiant invalide"},
		text{"The identifier in the path is not a valid client id.", "L’identifiant du chemin n’est pas un identifiant de client valide."}},
	domain.CodeClientNotFound: {
		text{"Client not found", "Client introuvable"},
		text{"No client has this id.", "Aucun client ne porte cet identifiant."}},
	domain.CodeSiteNotFound: {
		text{"Site not found", "Site introuvable"},
		text{"No site has this id.", "Aucun site ne porte cet identifiant."}},
	domain.CodeAliasTaken: {
		text{"Alias already used", "Alias déjà utilisé"},
		text{"Another site already has this alias.", "Un autre site porte déjà cet alias."}},
	domain.CodeDomainTaken: {
		text{"Domain already used", "Domaine déjà utilisé"},
		text{"Another site already has this domain.", "Un autre site porte déjà ce nom de domaine."}},
	domain.CodeExternalIDTaken: {
		text{"External id already used", "Identifiant externe déjà utilisé"},
		text{"Another site already has this external id.", "Un autre site porte déjà cet identifiant externe."}},
	domain.CodeClientHasSites: {
		text{"Client still has sites", "Client encore rattaché à des sites"},
		text{"This client still has %s site(s): unassign them before deleting the client.", "Ce client a encore %s site(s) : retirez-les avant de supprimer le client."}},
	domain.CodeSiteDeleting: {
		text{"Site being deleted", "Site en cours de suppression"},
		text{"This site is being deleted: it can no longer be changed or given to a client.", "Ce site est en cours de suppression : il ne peut plus être modifié ni attribué à un client."}},
	domain.CodeAssignmentNotFound: {
		text{"Site not assigned", "Site non attribué"},
		text{"This client does not have this site.", "Ce client n’a pas accès à ce site."}},
	domain.CodePresetNotFound: {
		text{"Preset not found", "Modèle introuvable"},
		text{"No permission preset has this key.", "Aucun modèle de permissions ne porte cette clé."}},
	domain.CodeTooManySites: {
		text{"Too many sites", "Trop de sites"},
		text{"A client can have %s sites at most.", "Un client peut avoir au plus %s sites."}},
	domain.CodeFieldNotFound: {
		text{"Custom field not found", "Champ personnalisé introuvable"},
		text{"No custom field has this key.", "Aucun champ personnalisé ne porte cette clé."}},
	domain.CodeFieldExists: {
		text{"Custom field already exists", "Champ personnalisé déjà existant"},
		text{"A custom field already has this key.", "Un champ personnalisé porte déjà cette clé."}},
	domain.CodeInvitationNotFound: {
		text{"Invitation not found", "Invitation introuvable"},
		text{"This link is not valid: it may have expired, been used or replaced. Ask for a new invitation.", "Ce lien n’est pas valide\u00a0: il a peut-être expiré, déjà servi ou été remplacé. Demandez une nouvelle invitation."}},
	domain.CodeNoEmail: {
		text{"Client has no email", "Client sans adresse e-mail"},
		text{"Add the client’s email first: it becomes their username.", "Renseignez d’abord l’e-mail du client\u00a0: il devient son identifiant."}},
	domain.CodeClientArchived: {
		text{"Client archived", "Client archivé"},
		text{"Unarchive the client before giving access.", "Désarchivez le client avant de lui donner accès."}},
	domain.CodeClientSuspended: {
		text{"Client suspended", "Client suspendu"},
		text{"The client’s access is suspended: reactivate it first.", "L’accès du client est suspendu\u00a0: réactivez-le d’abord."}},
	domain.CodeAlreadyActive: {
		text{"Client already active", "Client déjà actif"},
		text{"The client has already set a password.", "Le client a déjà choisi son mot de passe."}},
	domain.CodeNoPendingLink: {
		text{"No pending invitation", "Aucune invitation en attente"},
		text{"The client has no pending setup link or invitation.", "Le client n’a aucun lien d’accès ni invitation en attente."}},
	domain.CodeNoAccess: {
		text{"Client has no access", "Client sans accès"},
		text{"Only an invited or active client can be suspended.", "Seul un client invité ou actif peut être suspendu."}},
	domain.CodeNotSuspended: {
		text{"Client not suspended", "Client non suspendu"},
		text{"The client is not suspended.", "Le client n’est pas suspendu."}},
	domain.CodeMailFailed: {
		text{"E-mail not sent", "E-mail non envoyé"},
		text{"The e-mail service did not accept the message; nothing changed. Retry in a moment.", "Le service d’e-mail n’a pas accepté le message\u00a0; rien n’a changé. Réessayez dans un instant."}},
	domain.CodeExportNotFound: {
		text{"Export not found", "Export introuvable"},
		text{"No export has this id.", "Aucun export ne porte cet identifiant."}},
	domain.CodeImportNotFound: {
		text{"Import not found", "Import introuvable"},
		text{"No import has this id.", "Aucun import ne porte cet identifiant."}},
	domain.CodeTooManyExports: {
		text{"Too many exports running", "Trop d’exports en cours"},
		text{"Wait for one of your exports to finish, then try again.", "Attendez la fin d’un de vos exports, puis réessayez."}},
	domain.CodeExportFailed: {
		text{"Export failed", "Export échoué"},
		text{"The export could not be completed; start it again.", "L’export n’a pas pu aboutir\u00a0; relancez-le."}},
	domain.CodeAlreadyArchived: {
		text{"Client already archived", "Client déjà archivé"},
		text{"This client is already in the Archived tab.", "Ce client est déjà dans l’onglet Archivés."}},
	domain.CodeNotArchived: {
		text{"Client not archived", "Client non archivé"},
		text{"This client is not in the Archived tab.", "Ce client n’est pas dans l’onglet Archivés."}},
	domain.CodeAccessActive: {
		text{"Client can still sign in", "Le client peut encore se connecter"},
		text{"This client's portal access is active: suspend it first (POST /v1/clients/{id}/suspend), then delete the client.", "L’accès de ce client à son espace est actif : suspendez-le d’abord (POST /v1/clients/{id}/suspend), puis supprimez le client."}},
	domain.CodeClientInJob: {
		text{"Client in a running job", "Client concerné par une tâche en cours"},
		text{"A bulk action or an import is working on this client (job %s): wait for it to end or cancel it.", "Une action groupée ou un import est en cours sur ce client (tâche %s) : attendez sa fin ou annulez-la."}},
	domain.CodeUnknownStaff: {
		text{"Unknown staff member", "Membre de l’équipe inconnu"},
		text{"No staff member of yours has the id %s: they appear in the directory (GET /v1/staff) once they have signed in.", "Aucun membre de votre équipe n’a l’identifiant %s : il apparaît dans l’annuaire (GET /v1/staff) après sa première connexion."}},
	domain.CodeNotOnTeam: {
		text{"Not on the team", "Absent de l’équipe"},
		text{"This staff member is not on the client's team.", "Ce membre ne fait pas partie de l’équipe du client."}},
	domain.CodeTeamFull: {
		text{"Team full", "Équipe complète"},
		text{"A client's team has %s members at most.", "L’équipe d’un client compte au plus %s membres."}},
	domain.CodeConfirmMismatch: {
		text{"Count not confirmed", "Nombre non confirmé"},
		text{"This action would change %s client(s), not the number you confirmed: nothing changed. Check the selection and confirm that number.", "Cette action modifierait %s client(s), pas le nombre que vous avez confirmé : rien n’a changé. Vérifiez la sélection et confirmez ce nombre."}},
	domain.CodeImportNotChecked: {
		text{"Import not checked", "Import non vérifié"},
		text{"Only an import whose check has ended can be committed: set its mapping (PUT …/mapping) and wait for its report.", "Seul un import dont la vérification est terminée peut être validé : choisissez son association de colonnes (PUT …/mapping) et attendez son rapport."}},
	domain.CodeImportCommitted: {
		text{"Import committed", "Import validé"},
		text{"This import is committed or being committed: its mapping no longer changes. Start a new import for another file.", "Cet import est validé ou en cours de validation : ses colonnes ne changent plus. Lancez un nouvel import pour un autre fichier."}},
	domain.CodeImportNotCommitted: {
		text{"Import not committed", "Import non validé"},
		text{"Only a commit that has ended (done, failed or cancelled midway) can be reverted.", "Seule une validation terminée (réussie, échouée ou interrompue) peut être annulée."}},
	domain.CodeJobNotFound: {
		text{"Job not found", "Tâche introuvable"},
		text{"No job has this id.", "Aucune tâche ne porte cet identifiant."}},
	domain.CodeTooManyJobs: {
		text{"Too many jobs running", "Trop de tâches en cours"},
		text{"Wait for one of your exports, bulk actions or imports to finish, then try again.", "Attendez la fin d’un de vos exports, actions groupées ou imports, puis réessayez."}},
	domain.CodeJobFinished: {
		text{"Job already finished", "Tâche déjà terminée"},
		text{"This job has ended: there is nothing left to cancel.", "Cette tâche est terminée : il n’y a plus rien à annuler."}},
	domain.CodeJobNotCancellable: {
		text{"Job cannot be cancelled", "Tâche non annulable"},
		text{"A site's deletion cannot be stopped: the site is going either way.", "La suppression d’un site ne peut pas être interrompue : le site disparaît de toute façon."}},
	domain.CodeJobFailed: {
		text{"Job failed", "Tâche échouée"},
		text{"The job stopped despite several attempts; what it did stays done.", "La tâche s’est arrêtée malgré plusieurs essais ; ce qu’elle a fait reste fait."}},
	domain.CodeEmailTaken: {
		text{"Email already in use", "Adresse e-mail déjà utilisée"},
		text{"Another client already has this email address.", "Un autre client a déjà cette adresse e-mail."}},
	domain.CodeCodeTaken: {
		text{"Client code already in use", "Code client déjà utilisé"},
		text{"Another client already has this code.", "Un autre client a déjà ce code."}},
	domain.CodePreconditionNeeded: {
		text{"Precondition required", "Condition préalable requise"},
		text{"Send If-Match with the ETag you last read, so that no one else’s change is overwritten.", "Envoyez If-Match avec l’ETag lu en dernier, pour ne pas écraser la modification de quelqu’un d’autre."}},
	domain.CodePreconditionFailed: {
		text{"Precondition failed", "Condition préalable non remplie"},
		text{"The client was changed since you read it: read it again, then retry.", "Le client a été modifié depuis votre lecture\u00a0: relisez-le, puis réessayez."}},
	domain.CodeIdempotencyReuse: {
		text{"Idempotency key reused", "Clé d’idempotence réutilisée"},
		text{"This Idempotency-Key was used with a different request body.", "Cette clé Idempotency-Key a déjà servi avec un autre corps de requête."}},
	domain.CodeIdempotencyInvalid: {
		text{"Invalid idempotency key", "Clé d’idempotence invalide"},
		text{"Idempotency-Key must be 1 to 255 visible ASCII characters.", "Idempotency-Key doit compter de 1 à 255 caractères ASCII visibles."}},
	domain.CodeIdempotencyInFlight: {
		text{"Request in progress", "Requête en cours"},
		text{"A request with this Idempotency-Key is still being processed.", "Une requête avec cette clé Idempotency-Key est encore en cours."}},
	domain.CodeUnauthenticated: {
		text{"Authentication required", "Authentification requise"},
		text{"Send a valid bearer token.", "Envoyez un jeton d’accès valide."}},
	domain.CodeForbidden: {
		text{"Forbidden", "Accès refusé"},
		text{"Your role does not allow this operation.", "Votre rôle ne permet pas cette opération."}},
	domain.CodeRouteNotFound: {
		text{"Not found", "Introuvable"},
		text{"No operation at this method and path.", "Aucune opération à cette méthode et ce chemin."}},
	domain.CodeInternal: {
		text{"Internal error", "Erreur interne"},
		text{"Something went wrong on our side; quote the request id if you contact support.", "Une erreur s’est produite de notre côté\u00a0; citez l’identifiant de requête si vous contactez le support."}},
	domain.CodeClientInvitationLimit: {
		text{"Too many invitations to this client", "Trop d’invitations pour ce client"},
		text{"This client has been sent 5 invitations in the last 24 hours, the most allowed; retry after the time in Retry-After.", "Ce client a reçu 5\u00a0invitations ces dernières 24\u00a0heures, le maximum permis\u00a0; réessayez après le délai indiqué par Retry-After."}},
	domain.CodeTenantInvitationLimit: {
		text{"Too many invitations this hour", "Trop d’invitations cette heure-ci"},
		text{"Your agency has sent as many invitations this hour as it may; retry after the time in Retry-After.", "Votre agence a envoyé autant d’invitations cette heure-ci qu’elle le peut\u00a0; réessayez après le délai indiqué par Retry-After."}},
	domain.CodeUnavailable: {
		text{"Service unavailable", "Service indisponible"},
		text{"The service is busy; retry in a moment.", "Le service est occupé\u00a0; réessayez dans un instant."}},
}

// noticeTexts: one entry per warning a successful answer may carry.
var noticeTexts = map[domain.Code]text{
	domain.NoticeClientWithoutLead: {"The lead left the team: this client has no lead now.", "Le responsable a quitté l’équipe : ce client n’a plus de responsable."},
	domain.NoticeArchivedWithAccess: {"This client is archived but can still sign in to its portal (or accept its invitation): suspend its access if it should not.",
		"Ce client est archivé mais peut toujours se connecter à son espace (ou accepter son invitation) : suspendez son accès s’il ne doit plus le faire."},
	domain.NoticeAccessWithoutSite: {"This client no longer has any site but can still sign in: consider suspending their access.",
		"Ce client n’a plus aucun site mais peut toujours se connecter : pensez à suspendre son accès."},
}
