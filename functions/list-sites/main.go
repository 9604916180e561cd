// Command list-sites is the Lambda function of the ListSites operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListSites, nil) }
