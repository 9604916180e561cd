// Command infra is the CDK app: one stack deploys the whole service. Run it through the pinned
// CDK CLI: make synth, make deploy (see README, "Deploy").
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	props, err := PropsFromContext(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		jsii.Close()
		os.Exit(1)
	}
	props.Env = &awscdk.Environment{
		Account: jsii.String(contextString(app, "account", "")),
		Region:  jsii.String(contextString(app, "region", "")),
	}
	if *props.Env.Account == "" {
		props.Env = nil // environment-agnostic synth: no AWS account is needed
	}
	NewStack(app, "Clientdesk", props)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	app.Synth(nil)
}
