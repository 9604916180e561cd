package emulators

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Presigned links are verified as S3 verifies them: those the SDK's presign client makes work
// (GET, and PUT with its Content-Length and Content-Type signed); any change to what was
// signed, an expired link, an unknown key, or an expiry past 7 days is refused with S3's code.
func TestPresignedLinksAreVerified(t *testing.T) {
	ctx := context.Background()
	s, err := StartS3(ctx, "bucket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("exports/t1/f é.zip"), Body: strings.NewReader("data")}); err != nil {
		t.Fatal(err)
	}
	presign := s3.NewPresignClient(s.Client())
	get, err := presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("exports/t1/f é.zip"),
		ResponseContentDisposition: aws.String(`attachment; filename="f é.zip"`)}, s3.WithPresignExpires(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	put, err := presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("imports/t1/i1/clients.csv"),
		ContentLength: aws.Int64(11), ContentType: aws.String("text/csv")}, s3.WithPresignExpires(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(put.URL, "content-length") {
		t.Fatalf("Content-Length not signed: %s", put.URL)
	}
	other := s3.NewPresignClient(s3.New(s.Client().Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("someone", "else", "")
	}))
	stranger, _ := other.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("exports/t1/f é.zip")})
	old, _ := presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("exports/t1/f é.zip")},
		s3.WithPresignExpires(time.Second))
	time.Sleep(1100 * time.Millisecond)

	send := func(method, link, body string, headers map[string]string) (int, string) {
		req, _ := http.NewRequest(method, link, strings.NewReader(body))
		if body == "" {
			req.Body, req.ContentLength = nil, 0
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	tamper := func(link, param, value string) string {
		u, _ := url.Parse(link)
		q := u.Query()
		q.Set(param, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	tests := []struct {
		name    string
		method  string
		link    string
		body    string
		headers map[string]string
		status  int
		code    string
	}{
		{"a GET as signed", "GET", get.URL, "", nil, 200, ""},
		{"a PUT as signed", "PUT", put.URL, "a;b\n1;2\n3;4", map[string]string{"Content-Type": "text/csv"}, 200, ""},
		{"a PUT of another length", "PUT", put.URL, "a;b\n1;2\n3;4\n5;6", map[string]string{"Content-Type": "text/csv"}, 403, "SignatureDoesNotMatch"},
		{"a PUT of another type", "PUT", put.URL, "a;b\n1;2\n3;4", map[string]string{"Content-Type": "text/html"}, 403, "SignatureDoesNotMatch"},
		{"a GET of the PUT link", "GET", put.URL, "", nil, 403, "SignatureDoesNotMatch"},
		{"another key", "GET", strings.Replace(get.URL, "exports/t1", "exports/t2", 1), "", nil, 403, "SignatureDoesNotMatch"},
		{"another file name", "GET", tamper(get.URL, "response-content-disposition", `attachment; filename="x.html"`), "", nil, 403, "SignatureDoesNotMatch"},
		{"a longer life", "GET", tamper(get.URL, "X-Amz-Expires", "3600"), "", nil, 403, "SignatureDoesNotMatch"},
		{"past 7 days", "GET", tamper(get.URL, "X-Amz-Expires", "604801"), "", nil, 400, "AuthorizationQueryParametersError"},
		{"expired", "GET", old.URL, "", nil, 403, "AccessDenied"},
		{"an unknown key", "GET", stranger.URL, "", nil, 403, "InvalidAccessKeyId"},
		{"no signature", "GET", tamper(get.URL, "X-Amz-Signature", ""), "", nil, 403, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := send(tt.method, tt.link, tt.body, tt.headers)
			if status != tt.status || (tt.code != "" && !strings.Contains(body, "<Code>"+tt.code+"</Code>")) {
				t.Errorf("%d %s, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
	// What the PUT stored is what was sent.
	out, err := s.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("imports/t1/i1/clients.csv")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	if string(b) != "a;b\n1;2\n3;4" {
		t.Errorf("stored %q", b)
	}
}
