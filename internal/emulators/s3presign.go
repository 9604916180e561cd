package emulators

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// presignChecked verifies, in front of the S3 emulator, what S3 verifies of a presigned
// request (Signature Version 4 in the query string), and answers as S3 does when it fails:
// 403 SignatureDoesNotMatch for a signature that is not the request's (another method, key,
// query, or a signed header such as Content-Length or Content-Type with another value),
// 403 AccessDenied "Request has expired" past X-Amz-Date + X-Amz-Expires, 400
// AuthorizationQueryParametersError for an expiry over 7 days or missing parameters, 403
// InvalidAccessKeyId for a key the emulator does not know. The signature is recomputed here
// from the specification (canonical request, string to sign, derived key), not by the SDK's
// signer, so a link the SDK or our code signs wrongly fails here as on AWS. Requests signed
// in the Authorization header (the SDK clients') are passed on as they are.
type presignChecked struct {
	next    http.Handler
	secrets map[string]string // access key id → secret
	now     func() time.Time
}

func (p presignChecked) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") == "" && q.Get("X-Amz-Signature") == "" {
		p.next.ServeHTTP(w, r)
		return
	}
	if code, status, msg := p.check(r, q); code != "" {
		s3Error(w, status, code, msg)
		return
	}
	p.next.ServeHTTP(w, r)
}

func (p presignChecked) check(r *http.Request, q url.Values) (code string, status int, message string) {
	const bad = "AuthorizationQueryParametersError"
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return bad, http.StatusBadRequest, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""
	}
	cred := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(cred) != 5 || cred[3] != "s3" || cred[4] != "aws4_request" {
		return bad, http.StatusBadRequest, "Error parsing the X-Amz-Credential parameter"
	}
	secret, ok := p.secrets[cred[0]]
	if !ok {
		return "InvalidAccessKeyId", http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records."
	}
	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil || signedAt.Format("20060102") != cred[1] {
		return bad, http.StatusBadRequest, "X-Amz-Date must be in the ISO8601 Long Format and match the credential's date"
	}
	expires, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || expires < 1 || expires > 604800 {
		return bad, http.StatusBadRequest, "X-Amz-Expires must be between 1 and 604800 seconds"
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	if now().After(signedAt.Add(time.Duration(expires) * time.Second)) {
		return "AccessDenied", http.StatusForbidden, "Request has expired"
	}
	signedHeaders := q.Get("X-Amz-SignedHeaders")
	names := strings.Split(signedHeaders, ";")
	if signedHeaders == "" || !slices.Contains(names, "host") || !slices.IsSorted(names) {
		return bad, http.StatusBadRequest, "X-Amz-SignedHeaders must name host, in order"
	}
	var canonicalHeaders strings.Builder
	for _, name := range names {
		var value string
		switch name {
		case "host":
			value = r.Host
		case "content-length":
			value = r.Header.Get("Content-Length")
			if value == "" && r.ContentLength >= 0 {
				value = strconv.FormatInt(r.ContentLength, 10)
			}
		default:
			value = strings.Join(r.Header.Values(name), ",")
		}
		canonicalHeaders.WriteString(name + ":" + strings.Join(strings.Fields(value), " ") + "\n")
	}
	var params []string
	for name, values := range q {
		if name == "X-Amz-Signature" {
			continue
		}
		for _, v := range values {
			params = append(params, uriEncode(name)+"="+uriEncode(v))
		}
	}
	slices.Sort(params)
	canonical := strings.Join([]string{r.Method, r.URL.EscapedPath(), strings.Join(params, "&"), canonicalHeaders.String(), signedHeaders, "UNSIGNED-PAYLOAD"}, "\n")
	scope := strings.Join(cred[1:], "/")
	digest := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(digest[:])
	key := []byte("AWS4" + secret)
	for _, part := range cred[1:] {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(q.Get("X-Amz-Signature"))) {
		return "SignatureDoesNotMatch", http.StatusForbidden, "The request signature we calculated does not match the signature you provided."
	}
	return "", 0, ""
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// uriEncode encodes as Signature Version 4 asks: every byte but A–Z a–z 0–9 - _ . ~.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
