// Command record-staff is the staff user pool's post-authentication trigger: it mirrors each
// staff member into the directory as they sign in. Wiring only.
package main

import (
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/clientdesk/clientdesk/internal/service"
	"github.com/clientdesk/clientdesk/internal/staff"
)

func main() {
	env, err := service.Load()
	if err != nil {
		service.Fail("record-staff", err)
	}
	r := &staff.Recorder{Directory: env.Store, Groups: cognitoidentityprovider.NewFromConfig(env.AWS),
		TenantAttribute: env.Config.Claims.Tenant, Now: time.Now, Log: env.Log}
	lambda.Start(r.Handle)
}
