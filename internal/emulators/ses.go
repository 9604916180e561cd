package emulators

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/clientdesk/clientdesk/internal/emulators/nodeproc"
)

// SES is the aws-ses-v2-local emulator (infra/package.json), run as a child process: the SES
// API for the real sesv2 client, and a mailbox to read what was sent.
type SES struct {
	URL  string
	proc *nodeproc.Process
}

// ErrNoSESEmulator means infra/node_modules lacks the emulator.
var ErrNoSESEmulator = nodeproc.ErrNotInstalled

// StartSES starts the emulator on a free loopback port and waits until it answers.
func StartSES(ctx context.Context) (*SES, error) {
	proc, err := nodeproc.Start("aws-ses-v2-local", "--host", "127.0.0.1", "--port", "{port}")
	if err != nil {
		return nil, err
	}
	s := &SES{URL: proc.URL, proc: proc}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := s.Mails(ctx); err == nil {
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Close()
			return nil, errors.New("the SES emulator does not answer")
		}
	}
}

// Client returns an sesv2 client for the emulator.
func (s *SES) Client(opts ...func(*sesv2.Options)) *sesv2.Client {
	return sesv2.New(sesv2.Options{Region: Region, BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}, opts...)
}

// Mail is one message the emulator received.
type Mail struct {
	ID      string    `json:"id"`
	From    string    `json:"from"`
	To      []string  `json:"to"`
	ReplyTo []string  `json:"reply_to,omitempty"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	HTML    string    `json:"html"`
	At      time.Time `json:"at"`
}

// Mails returns what was sent, newest first.
func (s *SES) Mails(ctx context.Context) ([]Mail, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/store", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("SES emulator store: %s", resp.Status)
	}
	var store struct {
		Emails []struct {
			MessageID   string   `json:"messageId"`
			From        string   `json:"from"`
			ReplyTo     []string `json:"replyTo"`
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
			Subject string `json:"subject"`
			Body    struct {
				HTML string `json:"html"`
				Text string `json:"text"`
			} `json:"body"`
			At int64 `json:"at"`
		} `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		return nil, err
	}
	mails := make([]Mail, 0, len(store.Emails))
	for _, e := range store.Emails {
		mails = append(mails, Mail{ID: e.MessageID, From: e.From, To: e.Destination.To, ReplyTo: e.ReplyTo,
			Subject: e.Subject, Text: e.Body.Text, HTML: e.Body.HTML, At: time.Unix(e.At, 0).UTC()})
	}
	slices.Reverse(mails)
	return mails, nil
}

// Close stops the emulator.
func (s *SES) Close() { s.proc.Close() }
