// Command delete-team-member is the Lambda function of the DeleteTeamMember operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.DeleteTeamMember, nil) }
