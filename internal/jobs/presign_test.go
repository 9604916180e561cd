package jobs

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientdesk/clientdesk/internal/config"
)

// The download links are the ones S3's own presign client makes, byte for byte: on AWS
// (virtual-hosted, in the bucket's region, with a session token) and on the emulator
// (path-style), for keys and file names that need escaping.
func TestPresignerMatchesS3PresignClient(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token/+=")
	for _, tc := range []struct {
		name, endpoint, key, file string
	}{
		{"aws", "", "exports/agency-1/019a9b6c-3f2e-7d41-9a2e-0123456789ab/run.zip", "clients-agency-1-2026-11-22-0434-89ab.zip"},
		{"aws, odd key", "", "exports/agence été/a+b=c&d/x y.xlsx", "clients-agence été-2026-11-22-0434-89ab.xlsx"},
		{"emulator", "http://127.0.0.1:4566", "exports/agency-1/j/r.zip", "clients.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := s3.Options{Region: "eu-west-3", Credentials: creds}
			if tc.endpoint != "" {
				opts.BaseEndpoint, opts.UsePathStyle = aws.String(tc.endpoint), true
			}
			sdk := s3.NewPresignClient(s3.New(opts))
			ours := &Presigner{Credentials: creds, Region: "eu-west-3", Bucket: "clientdesk-exports", Endpoint: tc.endpoint}
			for attempt := 0; ; attempt++ {
				req, err := sdk.PresignGetObject(context.Background(), &s3.GetObjectInput{
					Bucket: aws.String("clientdesk-exports"), Key: aws.String(tc.key),
					ResponseContentDisposition: aws.String(`attachment; filename="` + tc.file + `"`),
					ResponseContentType:        aws.String(contentType(tc.file)),
				}, s3.WithPresignExpires(LinkValidity))
				if err != nil {
					t.Fatal(err)
				}
				got, err := ours.DownloadURL(context.Background(), tc.key, tc.file)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := url.Parse(req.URL)
				have, _ := url.Parse(got)
				if have.Query().Get("X-Amz-Date") != want.Query().Get("X-Amz-Date") && attempt < 3 {
					continue // signed across a second's boundary
				}
				if got != req.URL {
					t.Fatalf("link\n got %s\nwant %s", got, req.URL)
				}
				return
			}
		})
	}
}

// Upload links are those the S3 presign client makes for a PutObject with the length and the
// type: both signed, so S3 refuses another.
func TestUploadURLMatchesS3PresignClient(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token/+=")
	for _, endpoint := range []string{"", "http://127.0.0.1:4566"} {
		opts := s3.Options{Region: "eu-west-3", Credentials: creds}
		if endpoint != "" {
			opts.BaseEndpoint, opts.UsePathStyle = aws.String(endpoint), true
		}
		sdk := s3.NewPresignClient(s3.New(opts))
		ours := &Presigner{Credentials: creds, Region: "eu-west-3", Bucket: "clientdesk-exports", Endpoint: endpoint}
		key := "imports/agence été/019a9b6c-3f2e-7d41-9a2e-0123456789ab/file.xlsx"
		for attempt := 0; ; attempt++ {
			req, err := sdk.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("clientdesk-exports"), Key: aws.String(key),
				ContentLength: aws.Int64(104857600), ContentType: aws.String("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
				s3.WithPresignExpires(config.UploadValidity))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ours.UploadURL(context.Background(), key, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 104857600)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := url.Parse(req.URL)
			have, _ := url.Parse(got)
			if have.Query().Get("X-Amz-Date") != want.Query().Get("X-Amz-Date") && attempt < 3 {
				continue
			}
			if got != req.URL {
				t.Fatalf("%q: link\n got %s\nwant %s", endpoint, got, req.URL)
			}
			if want.Query().Get("X-Amz-SignedHeaders") != "content-length;content-type;host" {
				t.Fatalf("signed headers %q", want.Query().Get("X-Amz-SignedHeaders"))
			}
			break
		}
	}
}
