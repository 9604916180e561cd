// Command create-client is the Lambda function of the CreateClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.CreateClient, func(a *api.API, _ *service.Env) error {
		a.Phones = phone.E164
		return nil
	})
}
