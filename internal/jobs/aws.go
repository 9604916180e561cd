package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/clientdesk/clientdesk/internal/config"
)

// Queue sends jobs and tasks to the worker's SQS queue.
type Queue struct {
	Client *sqs.Client
	URL    string
}

// SendJob queues one job (its record says what kind).
func (q *Queue) SendJob(ctx context.Context, tenant, jobID string) error {
	return q.send(ctx, Message{Tenant: tenant, JobID: jobID})
}

// SendRedaction queues the reduction of a removed client's events.
func (q *Queue) SendRedaction(ctx context.Context, tenant, clientID string) error {
	return q.send(ctx, Message{Kind: KindRedaction, Tenant: tenant, ClientID: clientID})
}

func (q *Queue) send(ctx context.Context, m Message) error {
	body, _ := json.Marshal(m)
	_, err := q.Client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(string(body))})
	if err != nil {
		return fmt.Errorf("queue %s%s: %w", m.Kind, m.JobID, err)
	}
	return nil
}

// LinkValidity is how long a download link works. It is minted at each request, so a file
// stays downloadable for its whole life although no presigned URL can live that long.
const LinkValidity = 15 * time.Minute

// Presigner signs download links to export files: a GET of the object presigned with
// Signature Version 4, as S3's presign client does it, by the SDK's own signer. The S3
// client's package is not used here: it weighs 1.4 MB in each function that only signs
// links (get-job, get-export); a test checks that the links are those the S3 presign client
// makes, byte for byte.
type Presigner struct {
	Credentials aws.CredentialsProvider
	Region      string
	Bucket      string
	// Endpoint, when set, is an S3 endpoint addressed path-style (the emulator); otherwise
	// the bucket's virtual-hosted endpoint in Region.
	Endpoint string
	// Now is the signing time (time.Now when nil).
	Now func() time.Time
	// Signed, when set, is told of each link signed, as S3's GetObject or PutObject of a key
	// (the local stack records what each function's role must allow).
	Signed func(ctx context.Context, service, operation, key string)
}

// DownloadURL signs a GET of key that saves as fileName.
func (p *Presigner) DownloadURL(ctx context.Context, key, fileName string) (string, error) {
	q := url.Values{}
	q.Set("response-content-disposition", `attachment; filename="`+fileName+`"`)
	q.Set("response-content-type", contentType(fileName))
	return p.presign(ctx, http.MethodGet, "GetObject", key, LinkValidity, q, nil, 0)
}

// UploadURL signs a PUT of key valid for config.UploadValidity, whose Content-Type and
// Content-Length are part of the signature: S3 refuses the upload of another length (so of
// a file larger than the import declared) or type. The caller sends those two headers.
func (p *Presigner) UploadURL(ctx context.Context, key, contentType string, size int64) (string, error) {
	headers := http.Header{"Content-Type": {contentType}, "Content-Length": {strconv.FormatInt(size, 10)}}
	return p.presign(ctx, http.MethodPut, "PutObject", key, config.UploadValidity, url.Values{}, headers, size)
}

// presign signs operation (method) on key for validity, with the query q and the headers
// the request will carry (length, its Content-Length), as S3's presign client does.
func (p *Presigner) presign(ctx context.Context, method, operation, key string, validity time.Duration, q url.Values, headers http.Header, length int64) (string, error) {
	path := "/" + s3Escape(key)
	base := "https://" + p.Bucket + ".s3." + p.Region + ".amazonaws.com"
	if p.Endpoint != "" {
		base, path = strings.TrimSuffix(p.Endpoint, "/"), "/"+p.Bucket+path
	}
	q.Set("X-Amz-Expires", strconv.Itoa(int(validity.Seconds())))
	q.Set("x-id", operation)
	req, err := http.NewRequestWithContext(ctx, method, base+path+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", operation, err)
	}
	for k, v := range headers {
		req.Header[k] = v
	}
	req.ContentLength = length
	creds, err := p.Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", operation, err)
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	link, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", p.Region, now().UTC())
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", operation, err)
	}
	if p.Signed != nil {
		p.Signed(ctx, "S3", operation, key)
	}
	return link, nil
}

// s3Escape escapes an object key for a URL path as S3 does: every byte but the unreserved
// characters and "/".
func s3Escape(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// QueueFromEnv is the queue a function's configuration names.
func QueueFromEnv(cfg config.Config, awsCfg aws.Config) (*Queue, error) {
	if cfg.ExportsQueueURL == "" {
		return nil, fmt.Errorf("config: %s is not set", config.EnvQueueURL)
	}
	return &Queue{Client: sqs.NewFromConfig(awsCfg), URL: cfg.ExportsQueueURL}, nil
}

// ImportQueueFromEnv is the import worker's queue a function's configuration names.
func ImportQueueFromEnv(cfg config.Config, awsCfg aws.Config) (*Queue, error) {
	if cfg.ImportsQueueURL == "" {
		return nil, fmt.Errorf("config: %s is not set", config.EnvImportQueue)
	}
	return &Queue{Client: sqs.NewFromConfig(awsCfg), URL: cfg.ImportsQueueURL}, nil
}

// PresignerFromEnv signs links to the bucket a function's configuration names.
func PresignerFromEnv(cfg config.Config, awsCfg aws.Config) (*Presigner, error) {
	if cfg.ExportsBucket == "" {
		return nil, fmt.Errorf("config: %s is not set", config.EnvBucket)
	}
	return &Presigner{Credentials: awsCfg.Credentials, Region: awsCfg.Region, Bucket: cfg.ExportsBucket}, nil
}

// contentType is a result file's media type, by its name.
func contentType(fileName string) string {
	if strings.HasSuffix(fileName, ".xlsx") {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if strings.HasSuffix(fileName, ".csv") {
		return "text/csv; charset=utf-8"
	}
	return "application/zip"
}
