package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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

// Presigner signs download links to export files.
type Presigner struct {
	Client *s3.PresignClient
	Bucket string
}

// DownloadURL signs a GET of key that saves as fileName.
func (p *Presigner) DownloadURL(ctx context.Context, key, fileName string) (string, error) {
	req, err := p.Client.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(p.Bucket), Key: aws.String(key),
		ResponseContentDisposition: aws.String(`attachment; filename="` + fileName + `"`),
		ResponseContentType:        aws.String(contentType(fileName)),
	}, s3.WithPresignExpires(LinkValidity))
	if err != nil {
		return "", fmt.Errorf("sign download: %w", err)
	}
	return req.URL, nil
}

// QueueFromEnv is the queue a function's configuration names.
func QueueFromEnv(cfg config.Config, awsCfg aws.Config) (*Queue, error) {
	if cfg.ExportsQueueURL == "" {
		return nil, fmt.Errorf("config: %s is not set", config.EnvQueueURL)
	}
	return &Queue{Client: sqs.NewFromConfig(awsCfg), URL: cfg.ExportsQueueURL}, nil
}

// PresignerFromEnv signs links to the bucket a function's configuration names.
func PresignerFromEnv(cfg config.Config, awsCfg aws.Config) (*Presigner, error) {
	if cfg.ExportsBucket == "" {
		return nil, fmt.Errorf("config: %s is not set", config.EnvBucket)
	}
	return &Presigner{Client: s3.NewPresignClient(s3.NewFromConfig(awsCfg)), Bucket: cfg.ExportsBucket}, nil
}

// contentType is a result file's media type, by its name.
func contentType(fileName string) string {
	if strings.HasSuffix(fileName, ".xlsx") {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/zip"
}
