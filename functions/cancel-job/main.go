// Command cancel-job is the Lambda function of the CancelJob operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.CancelJob, nil) }
