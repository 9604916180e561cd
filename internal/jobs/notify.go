package jobs

import (
	"bytes"
	"embed"
	"html"
	"strings"
	"text/template"

	"github.com/clientdesk/clientdesk/internal/domain"
)

//go:embed templates
var files embed.FS

var notices = map[string][2]*template.Template{}

func init() {
	for _, lang := range []string{"fr", "en"} {
		notices[lang] = [2]*template.Template{
			template.Must(template.ParseFS(files, "templates/"+lang+".subject.txt")),
			template.Must(template.ParseFS(files, "templates/"+lang+".txt")),
		}
	}
}

// Notice is the e-mail that tells the requester a job is done or failed: an export, its
// file to download; a bulk action or an import, its counts and its per-client results.
func Notice(j *domain.Job, url string) (domain.RenderedMail, error) {
	lang := j.Locale
	if lang != "fr" {
		lang = "en"
	}
	data := map[string]any{"Kind": string(j.Kind), "Ready": j.Status == domain.JobDone, "TenantName": j.TenantName,
		"Rows": j.Progress.Done, "Done": j.Progress.Done - j.Progress.Failed, "Failed": j.Progress.Failed, "FileName": "",
		"URL": url, "JobID": j.ID, "Action": ""}
	if j.File != nil {
		data["FileName"] = j.File.Name
	}
	data["Format"] = fileFormat(j).Pick(lang)
	if j.Bulk != nil {
		label := domain.BulkActionLabel(j.Bulk.Action)
		data["Action"] = label.EN
		if lang == "fr" {
			data["Action"] = label.FR
		}
	}
	var subject, text bytes.Buffer
	if err := notices[lang][0].Execute(&subject, data); err != nil {
		return domain.RenderedMail{}, err
	}
	if err := notices[lang][1].Execute(&text, data); err != nil {
		return domain.RenderedMail{}, err
	}
	body := text.String()
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
	m := domain.RenderedMail{Subject: strings.TrimSpace(subject.String()), HTML: h.String(), Text: body, ReplyTo: j.RequesterEmail}
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
