package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PartSize is the size of each uploaded part but the last (S3's minimum is 5 MiB).
const PartSize = 8 << 20

// Upload is an S3 multipart upload fed as an io.Writer: it holds at most one part in memory
// and sends each part as soon as it is full, so a file of any size costs the same memory.
// Close completes the upload; Abort (on any failure) discards it, so no half-written object
// ever exists under the key.
type Upload struct {
	ctx      context.Context
	client   *s3.Client
	bucket   string
	key      string
	uploadID string
	buf      bytes.Buffer
	parts    []types.CompletedPart
	sum      hash.Hash
	Size     int64
	partSize int
}

// NewUpload starts a multipart upload of key.
func NewUpload(ctx context.Context, client *s3.Client, bucket, key, contentType string) (*Upload, error) {
	out, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), ContentType: aws.String(contentType),
	})
	if err != nil {
		return nil, fmt.Errorf("start upload: %w", err)
	}
	u := &Upload{ctx: ctx, client: client, bucket: bucket, key: key, uploadID: aws.ToString(out.UploadId), sum: sha256.New(), partSize: PartSize}
	u.buf.Grow(PartSize)
	return u, nil
}

func (u *Upload) Write(p []byte) (int, error) {
	u.sum.Write(p)
	u.Size += int64(len(p))
	n := 0
	for len(p) > 0 {
		room := u.partSize - u.buf.Len()
		chunk := p[:min(room, len(p))]
		u.buf.Write(chunk)
		p, n = p[len(chunk):], n+len(chunk)
		if u.buf.Len() == u.partSize {
			if err := u.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (u *Upload) flush() error {
	number := int32(len(u.parts) + 1)
	out, err := u.client.UploadPart(u.ctx, &s3.UploadPartInput{
		Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: aws.String(u.uploadID),
		PartNumber: aws.Int32(number), Body: bytes.NewReader(u.buf.Bytes()), ContentLength: aws.Int64(int64(u.buf.Len())),
	})
	if err != nil {
		return fmt.Errorf("upload part %d: %w", number, err)
	}
	u.parts = append(u.parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(number)})
	u.buf.Reset()
	return nil
}

// SHA256 is the hex SHA-256 of everything written.
func (u *Upload) SHA256() string { return fmt.Sprintf("%x", u.sum.Sum(nil)) }

// Close sends the last part and completes the upload.
func (u *Upload) Close() error {
	if u.buf.Len() > 0 || len(u.parts) == 0 {
		if err := u.flush(); err != nil {
			return err
		}
	}
	_, err := u.client.CompleteMultipartUpload(u.ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: aws.String(u.uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts},
	})
	if err != nil {
		return fmt.Errorf("complete upload: %w", err)
	}
	return nil
}

// Abort discards the upload and its parts. It uses its own context: the request's may be the
// reason for the abort.
func (u *Upload) Abort() error {
	_, err := u.client.AbortMultipartUpload(context.WithoutCancel(u.ctx), &s3.AbortMultipartUploadInput{
		Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: aws.String(u.uploadID),
	})
	return err
}
