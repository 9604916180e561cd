package emulators

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/Admiral-Piett/goaws/app/gosqs"
	"github.com/Admiral-Piett/goaws/app/models"
	"github.com/Admiral-Piett/goaws/app/router"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/sirupsen/logrus"
)

// S3 is gofakes3 in memory, in-process.
type S3 struct {
	URL  string
	http *httptest.Server
}

// S3AccessKey and S3Secret are the emulator's one set of credentials: presigned links are
// verified against them (see presignChecked).
const (
	S3AccessKey = "local"
	S3Secret    = "local"
)

// StartS3 starts the S3 emulator and creates bucket. Presigned links are verified as S3
// verifies them, cross-origin requests answered as S3 answers them for a bucket with the
// CORS rule cors (nil: none).
func StartS3(ctx context.Context, bucket string, cors *S3CORS) (*S3, error) {
	presigned := presignChecked{next: gofakes3.New(s3mem.New()).Server(), secrets: map[string]string{S3AccessKey: S3Secret}}
	hs := httptest.NewServer(s3CORS{next: presigned, rule: cors})
	s := &S3{URL: hs.URL, http: hs}
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		hs.Close()
		return nil, fmt.Errorf("create bucket: %w", err)
	}
	return s, nil
}

// Client returns an S3 client for the emulator (path-style addressing, as it needs).
func (s *S3) Client(opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{Region: Region, BaseEndpoint: aws.String(s.URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(S3AccessKey, S3Secret, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired}, opts...)
}

// Close stops the emulator.
func (s *S3) Close() { s.http.Close() }

// SQS is goaws embedded. Its state is global to the process, so one server serves every
// caller and each queue pair gets a unique name.
type SQS struct {
	URL string
}

var (
	sqsOnce   sync.Once
	sqsServer *SQS
)

// StartSQS returns the process's SQS emulator, starting it (and its clock for visibility
// timeouts and dead-letter redrive) on first use.
func StartSQS() *SQS {
	sqsOnce.Do(func() {
		logrus.SetLevel(logrus.ErrorLevel) // goaws logs every empty poll
		hs := httptest.NewServer(router.New())
		u, _ := url.Parse(hs.URL)
		models.CurrentEnvironment = models.Environment{Host: u.Hostname(), Port: u.Port(), SqsPort: u.Port(), Region: Region,
			AccountID: "000000000000", QueueAttributeDefaults: models.EnvQueueAttributes{VisibilityTimeout: 30, MaximumMessageSize: 262144, MessageRetentionPeriod: 345600}}
		go gosqs.PeriodicTasks(200*time.Millisecond, make(chan bool))
		sqsServer = &SQS{URL: hs.URL}
	})
	return sqsServer
}

// Client returns an SQS client for the emulator.
func (s *SQS) Client(opts ...func(*sqs.Options)) *sqs.Client {
	return sqs.New(sqs.Options{Region: Region, BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}, opts...)
}

// Queue is a queue and its dead-letter queue.
type Queue struct {
	URL    string
	DLQURL string
}

// CreateQueue makes a uniquely named queue whose messages move to a dead-letter queue after
// maxReceives receives; a received message stays invisible for visibility.
func (s *SQS) CreateQueue(ctx context.Context, name string, visibility time.Duration, maxReceives int) (Queue, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name += "-" + hex.EncodeToString(suffix)
	c := s.Client()
	dlq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		return Queue{}, fmt.Errorf("create DLQ: %w", err)
	}
	dlqARN := "arn:aws:sqs:" + Region + ":000000000000:" + name + "-dlq"
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"VisibilityTimeout": fmt.Sprint(int(visibility.Seconds())),
		"RedrivePolicy":     fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":"%d"}`, dlqARN, maxReceives),
	}})
	if err != nil {
		return Queue{}, fmt.Errorf("create queue: %w", err)
	}
	return Queue{URL: aws.ToString(q.QueueUrl), DLQURL: aws.ToString(dlq.QueueUrl)}, nil
}
