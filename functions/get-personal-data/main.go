// Command get-personal-data is the Lambda function of the GetPersonalData operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.GetPersonalData, nil) }
