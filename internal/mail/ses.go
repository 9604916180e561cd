// Package mail sends e-mail through SES (sesv2). Locally and in tests the client points at the
// SES emulator; in AWS the function may only send through the configured identity.
package mail

import (
	"context"
	"fmt"
	netmail "net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
)

// SES sends through one sender identity.
type SES struct {
	Client *sesv2.Client
	// From and ReplyTo are full addresses, display name allowed: "Acme <noreply@acme.fr>".
	From    string
	ReplyTo string
	// ConfigurationSet, when set, tracks bounces and complaints.
	ConfigurationSet string
}

// FromEnv makes the sender a function's configuration describes.
func FromEnv(cfg config.Config, awsCfg aws.Config) (*SES, error) {
	if err := cfg.RequireMail(); err != nil {
		return nil, err
	}
	client := sesv2.NewFromConfig(awsCfg, func(o *sesv2.Options) {
		if cfg.SESEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.SESEndpoint)
		}
	})
	return &SES{Client: client, From: cfg.MailFrom, ReplyTo: cfg.MailReplyTo, ConfigurationSet: cfg.MailConfigurationSet}, nil
}

// Send sends m to one address and returns SES's message id.
func (s *SES) Send(ctx context.Context, to string, m domain.RenderedMail) (string, error) {
	from, err := s.sender(m.FromName)
	if err != nil {
		return "", err
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: []string{to}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
			},
		}},
	}
	if s.ReplyTo != "" {
		in.ReplyToAddresses = []string{s.ReplyTo}
	}
	if m.ReplyTo != "" {
		in.ReplyToAddresses = []string{m.ReplyTo}
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	out, err := s.Client.SendEmail(ctx, in)
	if err != nil {
		return "", fmt.Errorf("ses send: %w", err)
	}
	return aws.ToString(out.MessageId), nil
}

// sender is the From address: the identity's, under name when one is given. SES takes a
// display name beyond ASCII only as an RFC 2047 encoded word, which net/mail writes.
func (s *SES) sender(name string) (string, error) {
	if name == "" {
		return s.From, nil
	}
	addr, err := netmail.ParseAddress(s.From)
	if err != nil {
		return "", fmt.Errorf("sender %q: %w", s.From, err)
	}
	addr.Name = name
	return addr.String(), nil
}
