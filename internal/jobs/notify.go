package jobs

import (
	"html"
	"strconv"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Notice is the e-mail that tells the requester a job is done or failed: an export, its
// file to download; a bulk action or an import, its counts and its per-client results. It is
// written by plain Go rather than text/template, whose reflection makes the linker keep every
// exported method of every type in the worker's binary.
func Notice(j *domain.Job, url string) (domain.RenderedMail, error) {
	lang := j.Locale
	if lang != "fr" {
		lang = "en"
	}
	ready, tenant := j.Status == domain.JobDone, j.TenantName
	rows, done, failed := count(j.Progress.Done), count(j.Progress.Done-j.Progress.Failed), count(j.Progress.Failed)
	fileName, action := "", ""
	if j.File != nil {
		fileName = j.File.Name
	}
	if j.Bulk != nil {
		action = domain.BulkActionLabel(j.Bulk.Action).Pick(lang)
	}
	var subject string
	var b strings.Builder
	if lang == "fr" {
		b.WriteString("Bonjour,\n")
		switch {
		case j.Kind == domain.JobExport && ready:
			subject = "Votre export de clients est prêt"
			b.WriteString("\nVotre export des clients de " + tenant + " est prêt : " + rows + " lignes dans " + fileName + ".\n" +
				"Format : " + fileFormat(j).FR + ".\nTéléchargez-le ici (connexion requise) :\n" + url + "\n\nLe fichier reste disponible 7 jours.\n")
		case j.Kind == domain.JobExport:
			subject = "Votre export de clients a échoué"
			b.WriteString("\nVotre export des clients de " + tenant + " n’a pas pu aboutir malgré plusieurs essais.\n" +
				"Vous pouvez le relancer ; si le problème persiste, contactez le support en citant la référence " + j.ID + ".\n")
		default:
			what, it, ended, stopped := "Votre action groupée « "+action+" » sur les clients de "+tenant, "la", "terminée", "s’est arrêtée"
			subject = "Votre action groupée "
			if j.Kind == domain.JobImport {
				what, it, ended, stopped = "Votre import de clients de "+tenant, "le", "terminé", "s’est arrêté"
				subject = "Votre import de clients "
			}
			if ready {
				subject += "est " + ended
				b.WriteString("\n" + what + " est " + ended + " : " + done + " effectuées, " + failed + " refusées.\n" +
					"Le résultat client par client (connexion requise) :\n" + url + "\n")
				break
			}
			subject += "a échoué"
			b.WriteString("\n" + what + " " + stopped + " malgré plusieurs essais, après " + rows + " clients.\n" +
				"Ce qui a été fait le reste. Vous pouvez " + it + " relancer sur le reste ; si le problème persiste, contactez le support en citant la référence " + j.ID + ".\n")
		}
	} else {
		b.WriteString("Hello,\n")
		switch {
		case j.Kind == domain.JobExport && ready:
			subject = "Your client export is ready"
			b.WriteString("\nYour export of " + tenant + "'s clients is ready: " + rows + " rows in " + fileName + ".\n" +
				"Format: " + fileFormat(j).EN + ".\nDownload it here (sign-in required):\n" + url + "\n\nThe file stays available for 7 days.\n")
		case j.Kind == domain.JobExport:
			subject = "Your client export failed"
			b.WriteString("\nYour export of " + tenant + "'s clients could not be completed despite several attempts.\n" +
				"You can start it again; if the problem persists, contact support and quote reference " + j.ID + ".\n")
		default:
			what := "bulk action “" + action + "”"
			subject = "Your bulk action "
			if j.Kind == domain.JobImport {
				what, subject = "import", "Your client import "
			}
			if ready {
				subject += "is done"
				b.WriteString("\nYour " + what + " on " + tenant + "'s clients is done: " + done + " done, " + failed + " refused.\n" +
					"The result for each client (sign-in required):\n" + url + "\n")
				break
			}
			subject += "failed"
			b.WriteString("\nYour " + what + " on " + tenant + "'s clients stopped despite several attempts, after " + rows + " clients.\n" +
				"What was done stays done. You can start it again on the rest; if the problem persists, contact support and quote reference " + j.ID + ".\n")
		}
	}
	b.WriteString("\n— " + tenant + "\n")
	body := b.String()
	if lang == "fr" {
		body = domain.FrenchTypography(body)
	}
	// The HTML part is the text, escaped, its link made clickable.
	var h strings.Builder
	h.WriteString("<!DOCTYPE html><html><body style=\"font-family:Helvetica,Arial,sans-serif\">")
	for _, para := range strings.Split(strings.TrimSpace(body), "\n\n") {
		h.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				h.WriteString("<br>")
			}
			if line == url && url != "" {
				h.WriteString(`<a href="` + html.EscapeString(url) + `">` + html.EscapeString(url) + `</a>`)
				continue
			}
			h.WriteString(html.EscapeString(line))
		}
		h.WriteString("</p>")
	}
	h.WriteString("</body></html>")
	// From the tenant, through the service; answers go to the requester.
	m := domain.RenderedMail{Subject: subject, HTML: h.String(), Text: body, ReplyTo: j.RequesterEmail}
	if j.TenantName != "" {
		m.FromName = j.TenantName + " via " + ServiceName
	}
	return m, nil
}

// ServiceName is the service's name, as senders say "<tenant> via Clientdesk".
const ServiceName = "Clientdesk"

// fileFormat says what an export's file is, and how to open it.
func fileFormat(j *domain.Job) domain.Localized {
	if j.Format == domain.FormatXLSX {
		return domain.Localized{FR: "classeur Excel (XLSX), qui s’ouvre tel quel dans Excel, LibreOffice ou Numbers",
			EN: "Excel workbook (XLSX), which opens as it is in Excel, LibreOffice or Numbers"}
	}
	sep := domain.SeparatorLabel(j.Separator)
	return domain.Localized{FR: "fichier CSV compressé (ZIP), séparateur " + sep.FR + ", encodé en UTF-8",
		EN: "zipped CSV file, " + sep.EN + " separated, UTF-8 encoded"}
}

// count writes a count as a number.
func count(n int64) string { return strconv.FormatInt(n, 10) }
