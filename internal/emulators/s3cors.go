package emulators

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// S3CORS is a bucket's CORS rule, as S3 evaluates it: the origins it allows, its methods
// (upper case) and the request headers a preflight may ask for (any case).
type S3CORS struct {
	AllowOrigin   func(origin string) bool
	Methods       []string
	Headers       []string
	MaxAgeSeconds int
}

// s3CORS answers cross-origin requests as S3 does for a bucket with one CORS rule (none:
// CORS not enabled), in front of gofakes3, which answers every origin with "*": a preflight
// (OPTIONS with Origin and Access-Control-Request-Method) is answered here, 200 with the
// rule's headers when the origin, the method and every requested header are allowed, else
// 403 CORSResponse; any other request goes on, its response carrying the CORS headers only
// when the rule allows its origin and method (a browser then lets the page read it).
type s3CORS struct {
	next http.Handler
	rule *S3CORS
}

func (c s3CORS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions {
		method := r.Header.Get("Access-Control-Request-Method")
		if origin == "" || method == "" {
			s3Error(w, http.StatusBadRequest, "BadRequest", "Insufficient information. Origin request header needed.")
			return
		}
		if c.rule == nil {
			s3Error(w, http.StatusForbidden, "CORSResponse", "CORS is not enabled for this bucket.")
			return
		}
		var asked []string
		for h := range strings.SplitSeq(r.Header.Get("Access-Control-Request-Headers"), ",") {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				asked = append(asked, h)
			}
		}
		if !c.allows(origin, method) || slices.ContainsFunc(asked, func(h string) bool {
			return !slices.ContainsFunc(c.rule.Headers, func(a string) bool { return strings.EqualFold(a, h) })
		}) {
			s3Error(w, http.StatusForbidden, "CORSResponse", "This CORS request is not allowed. This is usually because the evalution of Origin, "+
				"request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
			return
		}
		c.allow(w.Header(), origin)
		if len(asked) > 0 {
			w.Header().Set("Access-Control-Allow-Headers", strings.Join(asked, ", "))
		}
		if c.rule.MaxAgeSeconds > 0 {
			w.Header().Set("Access-Control-Max-Age", strconv.Itoa(c.rule.MaxAgeSeconds))
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	cw := &corsWriter{ResponseWriter: w, done: func(h http.Header) {
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				h.Del(k)
			}
		}
		if origin != "" && c.allows(origin, r.Method) {
			c.allow(h, origin)
		}
	}}
	c.next.ServeHTTP(cw, r)
	if !cw.wrote { // a handler that wrote nothing answers 200
		cw.WriteHeader(http.StatusOK)
	}
}

func (c s3CORS) allows(origin, method string) bool {
	return c.rule != nil && c.rule.AllowOrigin(origin) && slices.Contains(c.rule.Methods, method)
}

func (c s3CORS) allow(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", strings.Join(c.rule.Methods, ", "))
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
}

// corsWriter lets done set the response's CORS headers once the handler has set its own.
type corsWriter struct {
	http.ResponseWriter
	done  func(http.Header)
	wrote bool
}

func (w *corsWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.done(w.Header())
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *corsWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// s3Error answers as S3 answers a request it refuses: its status, and its XML error.
func s3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, message)
}
