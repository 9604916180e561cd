// Command list-site-clients is the Lambda function of the ListSiteClients operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListSiteClients, nil) }
