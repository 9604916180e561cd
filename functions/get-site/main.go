// Command get-site is the Lambda function of the GetSite operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.GetSite, nil) }
