package jobs

import (
	"fmt"
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
	rows, done, failed := count(j.Progress.Done, lang), count(j.Progress.Done-j.Progress.Failed, lang), count(j.Progress.Failed, lang)
	whose := tenant // the tenant, as the sentences name it: "Agence Lumière's clients", « les clients d’Agence Lumière »
	if lang == "fr" {
		whose = frenchOf(tenant)
	}
	fileName, action := "", ""
	if j.File != nil {
		fileName = j.File.Name
	}
	if j.Bulk != nil {
		action = domain.BulkActionLabel(j.Bulk.Action).Pick(lang)
	}
	w := noticeWords[lang]
	var subject, text string
	switch {
	case j.Kind == domain.JobExport && ready:
		subject = w.exportReady
		text = fmt.Sprintf(w.exportReadyText, whose, rows, fileName, fileFormat(j).Pick(lang), url)
	case j.Kind == domain.JobExport:
		subject, text = w.exportFailed, fmt.Sprintf(w.exportFailedText, whose, j.ID)
	default:
		k := w.bulk
		what := fmt.Sprintf(k.what, whose, action)
		if j.Kind == domain.JobImport {
			k = w.imports
			what = fmt.Sprintf(k.what, whose)
		}
		if ready {
			subject, text = k.done, fmt.Sprintf(w.doneText, what, k.ended, done, failed, url)
		} else {
			subject, text = k.failed, fmt.Sprintf(w.stoppedText, what, k.stopped, rows, k.it, j.ID)
		}
	}
	var b strings.Builder
	b.WriteString(w.hello + "\n\n" + text + "\n\n— " + tenant + "\n")
	body := b.String()
	if lang == "fr" {
		body = domain.FrenchTypography(body)
	}
	// The HTML part is the text, escaped, its link made clickable.
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
		`<title>` + html.EscapeString(subject) + `</title></head><body style="font-family:Helvetica,Arial,sans-serif">`)
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

// noticeWords are a notice's sentences in each language; the %s are filled in order (the
// tenant, the counts, the file, the link, the reference).
var noticeWords = map[string]struct {
	hello, exportReady, exportReadyText, exportFailed, exportFailedText, doneText, stoppedText string
	bulk, imports                                                                              jobWords
}{
	"fr": {hello: "Bonjour,",
		exportReady:      "Votre export de clients est prêt",
		exportReadyText:  "Votre export des clients %s est prêt : %s lignes dans %s.\nFormat : %s.\nTéléchargez-le ici (connexion requise) :\n%s\n\nLe fichier reste disponible 7 jours.",
		exportFailed:     "Votre export de clients a échoué",
		exportFailedText: "Votre export des clients %s n’a pas pu aboutir malgré plusieurs essais.\nVous pouvez le relancer ; si le problème persiste, contactez le support en citant la référence %s.",
		doneText:         "%s est %s : %s effectuées, %s refusées.\nLe résultat client par client (connexion requise) :\n%s",
		stoppedText:      "%s %s malgré plusieurs essais, après %s clients.\nCe qui a été fait le reste. Vous pouvez %s relancer sur le reste ; si le problème persiste, contactez le support en citant la référence %s.",
		bulk: jobWords{what: "Votre action groupée « %[2]s » sur les clients %[1]s", ended: "terminée", stopped: "s’est arrêtée", it: "la",
			done: "Votre action groupée est terminée", failed: "Votre action groupée a échoué"},
		imports: jobWords{what: "Votre import de clients %s", ended: "terminé", stopped: "s’est arrêté", it: "le",
			done: "Votre import de clients est terminé", failed: "Votre import de clients a échoué"}},
	"en": {hello: "Hello,",
		exportReady:      "Your client export is ready",
		exportReadyText:  "Your export of %s's clients is ready: %s rows in %s.\nFormat: %s.\nDownload it here (sign-in required):\n%s\n\nThe file stays available for 7 days.",
		exportFailed:     "Your client export failed",
		exportFailedText: "Your export of %s's clients could not be completed despite several attempts.\nYou can start it again; if the problem persists, contact support and quote reference %s.",
		doneText:         "%s is %s: %s done, %s refused.\nThe result for each client (sign-in required):\n%s",
		stoppedText:      "%s %s despite several attempts, after %s clients.\nWhat was done stays done. You can start %s again on the rest; if the problem persists, contact support and quote reference %s.",
		bulk: jobWords{what: "Your bulk action “%[2]s” on %[1]s's clients", ended: "done", stopped: "stopped", it: "it",
			done: "Your bulk action is done", failed: "Your bulk action failed"},
		imports: jobWords{what: "Your import on %s's clients", ended: "done", stopped: "stopped", it: "it",
			done: "Your client import is done", failed: "Your client import failed"}},
}

// jobWords name one kind of job in a notice: what it is (%s tenant, %s action), its verbs.
type jobWords struct{ what, ended, stopped, it, done, failed string }

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

// count writes a count as each language writes it: 1 234 in French (a narrow no-break space
// between the thousands), 1,234 in English.
func count(n int64, lang string) string {
	digits := strconv.FormatInt(n, 10)
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
	}
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// frenchOf is « de » and a name, elided before a vowel as French writes it: « d’Agence
// Lumière », « d’Élan », « de Studio Nord ». Before an h, « de » stays (French elides before
// some h and not others; the name cannot tell which).
func frenchOf(name string) string {
	if first := domain.Fold(strings.TrimSpace(name)); first != "" && strings.ContainsRune("aeiouy", rune(first[0])) {
		return "d’" + name
	}
	return "de " + name
}
