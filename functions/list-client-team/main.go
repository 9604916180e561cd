// Command list-client-team is the Lambda function of the ListClientTeam operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListClientTeam, nil) }
