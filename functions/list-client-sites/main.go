// Command list-client-sites is the Lambda function of the ListClientSites operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListClientSites, nil) }
