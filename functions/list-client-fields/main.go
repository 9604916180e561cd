// Command list-client-fields is the Lambda function of the ListFields operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListFields, nil) }
