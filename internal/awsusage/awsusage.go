// Package awsusage records which IAM actions each function's code is seen to call, on which
// resource: a middleware on every AWS SDK client of the local stack. The stack grants each
// function exactly what its route declares (routes.Route.Uses); a test compares the
// declaration with what the code is seen to call, so that a call without a grant, or a grant
// without a call, fails before a deploy does.
package awsusage

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"

	"github.com/clientdesk/clientdesk/internal/routes"
)

// Recorder collects, per function, the permissions its calls needed. Safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	seen map[string]map[routes.Permission]bool
}

// Middleware adds the recorder to a client's stack: o.APIOptions = append(o.APIOptions, r.Middleware).
// Calls made outside a function (a test's own reads) are not recorded.
func (r *Recorder) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("UsageRecorder",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if fn := routes.FunctionOf(ctx); fn != "" {
				r.record(fn, Needs(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), in.Parameters)...)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After) // after the client has named its service and operation
}

// Record notes a call that goes through no SDK client's stack: a presigned link, which the
// function's role authorises when the link is used (service and operation as the SDK names
// them: "S3", "GetObject"; key the object's).
func (r *Recorder) Record(ctx context.Context, service, operation, key string) {
	if fn := routes.FunctionOf(ctx); fn != "" {
		r.record(fn, Needs(service, operation, &s3.GetObjectInput{Key: &key})...)
	}
}

func (r *Recorder) record(fn string, perms ...routes.Permission) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]map[routes.Permission]bool{}
	}
	if r.seen[fn] == nil {
		r.seen[fn] = map[routes.Permission]bool{}
	}
	for _, p := range perms {
		r.seen[fn][p] = true
	}
}

// Seen returns the permissions each function's calls needed, sorted.
func (r *Recorder) Seen() map[string][]routes.Permission {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]routes.Permission{}
	for fn, perms := range r.seen {
		for p := range perms {
			out[fn] = append(out[fn], p)
		}
		slices.SortFunc(out[fn], routes.ComparePermissions)
	}
	return out
}

// Needs maps one SDK call to the IAM permissions it needs. A transaction needs the action of
// each of its parts: there is no IAM action of its own
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html);
// a multipart upload is s3:PutObject
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
func Needs(service, operation string, params any) []routes.Permission {
	table := func(action string) routes.Permission {
		return routes.Permission{Action: "dynamodb:" + action, Resource: routes.Table}
	}
	switch service {
	case "DynamoDB":
		switch p := params.(type) {
		case *dynamodb.QueryInput:
			if p.IndexName != nil {
				return []routes.Permission{{Action: "dynamodb:Query", Resource: routes.TableIndexes}}
			}
		case *dynamodb.TransactWriteItemsInput:
			var out []routes.Permission
			for _, it := range p.TransactItems {
				switch {
				case it.Put != nil:
					out = append(out, table("PutItem"))
				case it.Update != nil:
					out = append(out, table("UpdateItem"))
				case it.Delete != nil:
					out = append(out, table("DeleteItem"))
				case it.ConditionCheck != nil:
					out = append(out, table("ConditionCheckItem"))
				}
			}
			return out
		case *dynamodb.TransactGetItemsInput:
			return []routes.Permission{table("GetItem")}
		}
		return []routes.Permission{table(operation)}
	case "S3":
		// The uploaded files (imports/) and the result files (exports/) are granted apart.
		res := routes.ExportFiles
		if strings.HasPrefix(objectKey(params), "imports/") {
			res = routes.ImportFiles
		}
		switch operation {
		case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "PutObject":
			return []routes.Permission{{Action: "s3:PutObject", Resource: res}}
		}
		return []routes.Permission{{Action: "s3:" + operation, Resource: res}}
	case "SQS":
		// The import worker's queue is granted apart from the job worker's: the local stack
		// names it imports-….
		res := routes.ExportQueue
		if p, ok := params.(*sqs.SendMessageInput); ok && strings.Contains(aws.ToString(p.QueueUrl), "/imports-") {
			res = routes.ImportQueue
		}
		return []routes.Permission{{Action: "sqs:" + operation, Resource: res}}
	case "SESv2":
		// SES v2's SendEmail is authorised as ses:SendEmail on the identity and the
		// configuration set.
		return []routes.Permission{{Action: "ses:" + operation, Resource: routes.MailIdentity}}
	case "Cognito Identity Provider":
		return []routes.Permission{{Action: "cognito-idp:" + operation, Resource: routes.UserPool}}
	}
	return []routes.Permission{{Action: service + ":" + operation}}
}

// objectKey is the object an S3 call names ("" for none).
func objectKey(params any) string {
	var key *string
	switch p := params.(type) {
	case *s3.GetObjectInput:
		key = p.Key
	case *s3.HeadObjectInput:
		key = p.Key
	case *s3.PutObjectInput:
		key = p.Key
	case *s3.CreateMultipartUploadInput:
		key = p.Key
	case *s3.UploadPartInput:
		key = p.Key
	case *s3.CompleteMultipartUploadInput:
		key = p.Key
	case *s3.AbortMultipartUploadInput:
		key = p.Key
	case *s3.DeleteObjectInput:
		key = p.Key
	}
	if key == nil {
		return ""
	}
	return *key
}
