// Command assign-site is the Lambda function of the AssignSite operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.AssignSite, nil) }
