// Command put-team-member is the Lambda function of the PutTeamMember operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.PutTeamMember, nil) }
