package localstack

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Poller does locally what Lambda's SQS event source mapping does in AWS: it receives batches
// from the queue, invokes the worker's handler with an events.SQSEvent, deletes the messages
// that succeeded and leaves the reported failures to come back after their visibility
// timeout (and to the dead-letter queue after the queue's maxReceiveCount).
type Poller struct {
	Client  *sqs.Client
	URL     string
	Handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)
	Log     *slog.Logger
	// Timeout is an invocation's time (the worker function's timeout).
	Timeout time.Duration
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	for ctx.Err() == nil {
		out, err := p.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(p.URL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			if ctx.Err() == nil {
				p.Log.Warn("poll export queue", "error", err.Error())
				time.Sleep(200 * time.Millisecond)
			}
			continue
		}
		if len(out.Messages) == 0 {
			continue
		}
		ev := events.SQSEvent{Records: make([]events.SQSMessage, len(out.Messages))}
		for i, m := range out.Messages {
			ev.Records[i] = events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), Attributes: m.Attributes, EventSource: "aws:sqs", AWSRegion: "us-east-1",
				EventSourceARN: "arn:aws:sqs:us-east-1:000000000000:exports"}
		}
		// An invocation has the function's time, as in Lambda.
		ictx, cancel := context.WithTimeout(ctx, p.Timeout)
		resp, err := p.Handler(ictx, ev)
		cancel()
		failed := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
		for _, m := range out.Messages {
			// A handler error fails the whole batch, as in Lambda.
			if err != nil || failed[aws.ToString(m.MessageId)] {
				continue
			}
			if _, derr := p.Client.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(p.URL), ReceiptHandle: m.ReceiptHandle}); derr != nil {
				p.Log.Warn("delete message", "error", derr.Error())
			}
		}
	}
}
