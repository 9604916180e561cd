package emulators

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Cross-origin requests are answered as S3 answers them for the bucket's CORS rule: a
// preflight of the front end's PUT with its Content-Type is allowed, anything else the rule
// does not name is refused with S3's 403 CORSResponse, and a response names the origin only
// when the rule allows it (never "*", as gofakes3 alone would).
func TestS3CORS(t *testing.T) {
	ctx := context.Background()
	const front = "https://app.example.com"
	rule := &S3CORS{AllowOrigin: func(o string) bool { return o == front }, Methods: []string{"PUT"}, Headers: []string{"content-type"}, MaxAgeSeconds: 3600}
	with, err := StartS3(ctx, "bucket", rule)
	if err != nil {
		t.Fatal(err)
	}
	defer with.Close()
	without, err := StartS3(ctx, "bucket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer without.Close()
	put, err := s3.NewPresignClient(with.Client()).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("imports/t1/a.csv"),
		ContentType: aws.String("text/csv"), ContentLength: aws.Int64(5)}, s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		s3      *S3
		method  string
		headers map[string]string
		status  int
		code    string
		origin  string // the Access-Control-Allow-Origin answered
	}{
		{"the front end's preflight", with, "OPTIONS", map[string]string{"Origin": front, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type"}, 200, "", front},
		{"a preflight without headers asked", with, "OPTIONS", map[string]string{"Origin": front, "Access-Control-Request-Method": "PUT"}, 200, "", front},
		{"another origin", with, "OPTIONS", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}, 403, "CORSResponse", ""},
		{"another method", with, "OPTIONS", map[string]string{"Origin": front, "Access-Control-Request-Method": "DELETE"}, 403, "CORSResponse", ""},
		{"a header the rule does not name", with, "OPTIONS", map[string]string{"Origin": front, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type, x-amz-acl"}, 403, "CORSResponse", ""},
		{"no Origin", with, "OPTIONS", map[string]string{"Access-Control-Request-Method": "PUT"}, 400, "BadRequest", ""},
		{"a bucket without CORS", without, "OPTIONS", map[string]string{"Origin": front, "Access-Control-Request-Method": "PUT"}, 403, "CORSResponse", ""},
		{"the upload from the front end", with, "PUT", map[string]string{"Origin": front, "Content-Type": "text/csv"}, 200, "", front},
		{"the upload from another origin (made, unreadable to its page)", with, "PUT", map[string]string{"Origin": "https://evil.example", "Content-Type": "text/csv"}, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.s3.URL + "/bucket/imports/t1/a.csv"
			var body io.Reader
			if tt.method == "PUT" {
				url, body = put.URL, strings.NewReader("a;b;\n")
			}
			req, _ := http.NewRequest(tt.method, url, body)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || !strings.Contains(string(b), tt.code) || res.Header.Get("Access-Control-Allow-Origin") != tt.origin {
				t.Fatalf("%d %q %s", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), b)
			}
			if tt.status == 200 && tt.method == "OPTIONS" && (res.Header.Get("Access-Control-Allow-Methods") != "PUT" || res.Header.Get("Access-Control-Max-Age") != "3600") {
				t.Errorf("preflight headers %v", res.Header)
			}
		})
	}
}
