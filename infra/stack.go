package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// logRetention is how long functions' and the API's logs are kept.
const logRetention = awslogs.RetentionDays_ONE_MONTH

// StackProps are the deployment's parameters.
type StackProps struct {
	awscdk.StackProps
	// AssetDir holds build/<function>/bootstrap (make build). Default "build".
	AssetDir string
	// FrontendOrigin is the web front end's origin, allowed by CORS.
	FrontendOrigin string
	// SenderIdentity is the SES identity (a domain or an address) mail is sent from.
	SenderIdentity string
	// MailFrom is the From of invitations (default noreply@ the identity's domain).
	MailFrom string
	// SetupURL is the front end's page where clients open their links.
	SetupURL string
	// TimeZone is the tenant's zone for dates in e-mails.
	TimeZone string
	// InvitationsPerHour caps each tenant's invitation e-mails in an hour.
	InvitationsPerHour int
	// AppURL is the front end; export e-mails link to its /exports/<id> page.
	AppURL string
	// AlarmEmail, when set, subscribes to the alarm topic.
	AlarmEmail string
	// ExternalIssuer and ExternalAudience import an existing identity provider instead of
	// creating a Cognito user pool.
	ExternalIssuer   string
	ExternalAudience string
	// Claims names the tenant and roles claims of the tokens.
	Claims auth.ClaimNames
}

// RequiredContext are the parameters a deployment must give: no default could be right, and a
// wrong one would put a stranger's links in real invitations.
var RequiredContext = map[string]string{
	"setupUrl":       "the front end's page where clients open their links, e.g. -c setupUrl=https://app.agency.example/setup",
	"frontendOrigin": "the web front end's origin, allowed by CORS, e.g. -c frontendOrigin=https://app.agency.example",
	"senderIdentity": "the SES identity mail is sent from, e.g. -c senderIdentity=agency.example",
}

// PropsFromContext reads the parameters from CDK context (cdk.json, or -c key=value). It
// fails, saying what to pass, when a required one is missing.
func PropsFromContext(app awscdk.App) (StackProps, error) {
	var missing []string
	for _, key := range slices.Sorted(maps.Keys(RequiredContext)) {
		if contextString(app, key, "") == "" {
			missing = append(missing, "  "+key+": "+RequiredContext[key])
		}
	}
	if len(missing) > 0 {
		return StackProps{}, fmt.Errorf("missing deployment parameters; pass them with -c (make deploy CDK_ARGS='-c …'):\n%s",
			strings.Join(missing, "\n"))
	}
	frontend := contextString(app, "frontendOrigin", "")
	return StackProps{
		AssetDir:           contextString(app, "assetDir", "build"),
		FrontendOrigin:     frontend,
		SenderIdentity:     contextString(app, "senderIdentity", ""),
		MailFrom:           contextString(app, "mailFrom", ""),
		SetupURL:           contextString(app, "setupUrl", ""),
		TimeZone:           contextString(app, "timeZone", config.DefaultTimeZone),
		InvitationsPerHour: contextInt(app, "invitationsPerHour", config.DefaultInvitationsPerHour),
		AppURL:             contextString(app, "appUrl", frontend),
		AlarmEmail:         contextString(app, "alarmEmail", ""),
		ExternalIssuer:     contextString(app, "jwtIssuer", ""),
		ExternalAudience:   contextString(app, "jwtAudience", ""),
		Claims: auth.ClaimNames{
			Tenant: contextString(app, "tenantClaim", auth.DefaultClaimNames.Tenant),
			Roles:  contextString(app, "rolesClaim", auth.DefaultClaimNames.Roles),
		},
	}, nil
}

func contextInt(scope constructs.Construct, key string, def int) int {
	switch v := scope.Node().TryGetContext(jsii.String(key)).(type) {
	case float64:
		return int(v)
	case string:
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return def
}

func contextString(scope constructs.Construct, key, def string) string {
	if v, ok := scope.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
		return v
	}
	return def
}

// Stack is the service: its resources, for the tests to inspect.
type Stack struct {
	awscdk.Stack
	Table     awsdynamodb.Table
	API       awsapigatewayv2.HttpApi
	Functions map[string]awslambda.Function
	Exports   awss3.Bucket
	Queue     awssqs.Queue
	DLQ       awssqs.Queue
	// ImportQueue feeds the import worker; ImportDLQ keeps what failed there.
	ImportQueue awssqs.Queue
	ImportDLQ   awssqs.Queue
	// Zone is the deployment's time zone file, a layer every function reads it from.
	Zone awslambda.LayerVersion
	// Logs is the functions' one log group: each function writes its own streams
	// (<date>/<function>[<version>]<instance>), its lines JSON with the operation named.
	Logs awslogs.LogGroup
}

// NewStack builds the whole service from the route table and the table schema.
func NewStack(scope constructs.Construct, id string, props StackProps) *Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	s := &Stack{Stack: stack, Functions: map[string]awslambda.Function{}}
	if props.AssetDir == "" {
		props.AssetDir = "build"
	}
	if props.Claims == (auth.ClaimNames{}) {
		props.Claims = auth.DefaultClaimNames
	}
	if props.TimeZone == "" {
		props.TimeZone = config.DefaultTimeZone
	}
	if props.SetupURL == "" || props.FrontendOrigin == "" || props.SenderIdentity == "" {
		panic("infra: a stack needs SetupURL, FrontendOrigin and SenderIdentity (see RequiredContext)")
	}
	if props.AppURL == "" {
		props.AppURL = props.FrontendOrigin
	}
	if props.InvitationsPerHour == 0 {
		props.InvitationsPerHour = config.DefaultInvitationsPerHour
	}

	s.Table = newTable(stack)
	s.Zone = zoneLayer(stack, props.TimeZone)
	issuer, audience, pool := identity(stack, props)
	s.Exports, s.Queue, s.DLQ = exportPipeline(stack, props.FrontendOrigin)
	s.ImportQueue, s.ImportDLQ = jobQueue(stack, "Imports", "imports")
	configSet := awsses.NewConfigurationSet(stack, jsii.String("Mail"), &awsses.ConfigurationSetProps{
		SuppressionReasons: awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
	})

	s.Logs = awslogs.NewLogGroup(stack, jsii.String("FunctionLogs"), &awslogs.LogGroupProps{
		Retention: logRetention, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	s.API = httpAPI(stack, props, issuer, audience, s, configSet)
	workers(stack, props, s, configSet, pool)
	alarms(stack, props, s)

	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: s.API.ApiEndpoint()})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: s.Table.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("ExportsBucketName"), &awscdk.CfnOutputProps{Value: s.Exports.BucketName()})
	awscdk.NewCfnOutput(stack, jsii.String("ExportsQueueUrl"), &awscdk.CfnOutputProps{Value: s.Queue.QueueUrl()})
	awscdk.NewCfnOutput(stack, jsii.String("ImportsQueueUrl"), &awscdk.CfnOutputProps{Value: s.ImportQueue.QueueUrl()})
	awscdk.NewCfnOutput(stack, jsii.String("MailConfigurationSet"), &awscdk.CfnOutputProps{Value: configSet.ConfigurationSetName()})
	return s
}

// newTable creates the table from store.Schema: the same keys and indexes as the emulator's.
func newTable(stack awscdk.Stack) awsdynamodb.Table {
	str := awsdynamodb.AttributeType_STRING
	table := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(store.Schema.Keys.Partition), Type: str},
		SortKey:      &awsdynamodb.Attribute{Name: jsii.String(store.Schema.Keys.Sort), Type: str},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection:  jsii.Bool(true),
		TimeToLiveAttribute: jsii.String(store.Schema.TTLAttribute),
		Encryption:          awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
	})
	for _, ix := range store.Schema.Indexes {
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(ix.Keys.Partition), Type: str},
			SortKey:        &awsdynamodb.Attribute{Name: jsii.String(ix.Keys.Sort), Type: str},
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return table
}

// identity returns the JWT issuer and audience: an imported identity provider's, or those of
// a Cognito user pool made here for staff (groups admin, editor, viewer; tenant attribute).
func identity(stack awscdk.Stack, props StackProps) (issuer, audience *string, pool awscognito.UserPool) {
	if props.ExternalIssuer != "" {
		if props.ExternalAudience == "" {
			panic("jwtIssuer needs jwtAudience")
		}
		return jsii.String(props.ExternalIssuer), jsii.String(props.ExternalAudience), nil
	}
	pool = awscognito.NewUserPool(stack, jsii.String("Staff"), &awscognito.UserPoolProps{
		SelfSignUpEnabled: jsii.Bool(false),
		SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		// The tenant is fixed when an admin creates the user; immutable, so no one can move
		// themselves to another tenant.
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"tenant_id": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
				MinLen: jsii.Number(1), MaxLen: jsii.Number(64), Mutable: jsii.Bool(false)}),
			// The agency's display name, for e-mails and the setup page.
			"tenant_name": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
				MinLen: jsii.Number(1), MaxLen: jsii.Number(200), Mutable: jsii.Bool(true)}),
		},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength: jsii.Number(12), RequireDigits: jsii.Bool(true), RequireLowercase: jsii.Bool(true),
			RequireUppercase: jsii.Bool(true), RequireSymbols: jsii.Bool(true),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
		},
		Mfa:             awscognito.Mfa_REQUIRED,
		MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		AccountRecovery: awscognito.AccountRecovery_EMAIL_ONLY,
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
	})
	for _, role := range auth.Roles {
		awscognito.NewCfnUserPoolGroup(stack, jsii.String("Group"+string(role)), &awscognito.CfnUserPoolGroupProps{
			UserPoolId: pool.UserPoolId(), GroupName: jsii.String(string(role)),
			Description: jsii.String("clientdesk " + string(role)),
		})
	}
	client := pool.AddClient(jsii.String("Web"), &awscognito.UserPoolClientOptions{
		AuthFlows:      &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		GenerateSecret: jsii.Bool(false),
		// The front end may read the tenant but write none of the attributes that decide access.
		ReadAttributes: awscognito.NewClientAttributes().
			WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), EmailVerified: jsii.Bool(true), GivenName: jsii.Bool(true), FamilyName: jsii.Bool(true)}).
			WithCustomAttributes(jsii.String("tenant_id"), jsii.String("tenant_name")),
		WriteAttributes: awscognito.NewClientAttributes().
			WithStandardAttributes(&awscognito.StandardAttributesMask{GivenName: jsii.Bool(true), FamilyName: jsii.Bool(true)}),
		IdTokenValidity:            awscdk.Duration_Hours(jsii.Number(1)),
		AccessTokenValidity:        awscdk.Duration_Hours(jsii.Number(1)),
		PreventUserExistenceErrors: jsii.Bool(true),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(pool, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-COG3"),
		Reason: jsii.String("Threat protection (the Plus feature plan) is billed per active user; the pool has no self sign-up and requires MFA. Enable it per deployment if the budget allows."),
	}}, jsii.Bool(true))
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{Value: pool.UserPoolId()})
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolClientId"), &awscdk.CfnOutputProps{Value: client.UserPoolClientId()})
	issuer = awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("https://cognito-idp."), stack.Region(), jsii.String(".amazonaws.com/"), pool.UserPoolId()})
	return issuer, client.UserPoolClientId(), pool
}

// exportPipeline makes the export queue, its dead-letter queue and the exports bucket.
func exportPipeline(stack awscdk.Stack, frontendOrigin string) (awss3.Bucket, awssqs.Queue, awssqs.Queue) {
	queue, dlq := jobQueue(stack, "Exports", "exports")
	logs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(90))}},
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(logs, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-S1"), Reason: jsii.String("This is the access-log bucket; logging it into itself would loop."),
	}}, nil)
	exports := awss3.NewBucket(stack, jsii.String("ExportFiles"), &awss3.BucketProps{
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("exports/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Prefix:                              jsii.String("exports/"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(config.ExportFileRetentionDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}, {
			Prefix:                              jsii.String("imports/"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(config.ImportFileRetentionDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
		// The front end uploads an import's file straight to its presigned PUT.
		Cors: &[]*awss3.CorsRule{{
			AllowedMethods: corsMethods(config.FilesCORS.Methods),
			AllowedOrigins: jsii.Strings(frontendOrigin),
			AllowedHeaders: jsii.Strings(config.FilesCORS.Headers...),
			MaxAge:         jsii.Number(config.FilesCORS.MaxAgeSeconds),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return exports, queue, dlq
}

// corsMethods are the methods of a CORS rule as the construct names them.
func corsMethods(methods []string) *[]awss3.HttpMethods {
	out := make([]awss3.HttpMethods, len(methods))
	for i, m := range methods {
		out[i] = awss3.HttpMethods(m)
	}
	return &out
}

// jobQueue makes a worker's queue (id) and its dead-letter queue (id + "DLQ").
func jobQueue(stack awscdk.Stack, id, name string) (awssqs.Queue, awssqs.Queue) {
	dlq := awssqs.NewQueue(stack, jsii.String(id+"DLQ"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(dlq, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SQS3"), Reason: jsii.String("This queue is the dead-letter queue of the " + name + " queue."),
	}}, nil)
	queue := awssqs.NewQueue(stack, jsii.String(id), &awssqs.QueueProps{
		Encryption: awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL: jsii.Bool(true),
		// At least six times the worker's timeout, as Lambda's event source mapping advises.
		VisibilityTimeout: awscdk.Duration_Minutes(jsii.Number(90)),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(config.JobMaxAttempts)},
	})
	return queue, dlq
}

// httpAPI makes the HTTP API and one function and route per route-table entry.
func httpAPI(stack awscdk.Stack, props StackProps, issuer, audience *string, s *Stack, configSet awsses.ConfigurationSet) awsapigatewayv2.HttpApi {
	fns := s.Functions
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins:  jsii.Strings(props.FrontendOrigin),
			AllowMethods:  &[]awsapigatewayv2.CorsHttpMethod{awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_POST, awsapigatewayv2.CorsHttpMethod_PATCH, awsapigatewayv2.CorsHttpMethod_DELETE},
			AllowHeaders:  jsii.Strings("Authorization", "Content-Type", "If-Match", "Idempotency-Key", "Accept-Language"),
			ExposeHeaders: jsii.Strings("ETag", "Location", "X-Request-Id", "Idempotent-Replayed", "Retry-After"),
			MaxAge:        awscdk.Duration_Minutes(jsii.Number(10)),
		},
		CreateDefaultStage: jsii.Bool(true),
	})
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention: logRetention, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	stage := api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format: jsii.String(`{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",` +
			`"routeKey":"$context.routeKey","status":"$context.status","latency":"$context.responseLatency",` +
			`"integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error",` +
			`"sub":"$context.authorizer.claims.sub"}`),
	})
	stage.SetDefaultRouteSettings(&awsapigatewayv2.CfnStage_RouteSettingsProperty{
		ThrottlingBurstLimit: jsii.Number(200), ThrottlingRateLimit: jsii.Number(100),
	})

	authorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("Jwt"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{JwtAudience: &[]*string{audience}})
	for _, r := range routes.All {
		fn := newFunction(stack, props, r.Function(), r.MemoryMB, r.TimeoutSeconds, s, configSet, r.Uses)
		fns[r.Function()] = fn
		options := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(r.Path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(r.Function()+"Integration"), fn, nil),
			Authorizer:  authorizer,
		}
		if r.Public {
			options.Authorizer = awsapigatewayv2.NewHttpNoneAuthorizer()
		}
		for _, route := range *api.AddRoutes(options) {
			if r.Public {
				cdknag.NagSuppressions_AddResourceSuppressions(route, &[]*cdknag.NagPackSuppression{{
					Id: jsii.String("AwsSolutions-APIG4"), Reason: jsii.String("Public by design (marked Public in the route table): " + r.Key()),
				}}, jsii.Bool(true))
			}
		}
	}
	return api
}

func mailFrom(props StackProps) string {
	if props.MailFrom != "" {
		return props.MailFrom
	}
	domainPart := props.SenderIdentity
	if _, d, ok := strings.Cut(domainPart, "@"); ok {
		domainPart = d
	}
	return "noreply@" + domainPart
}

// functionEnv is what every function reads at start-up (config.Load), from the parameters.
func functionEnv(props StackProps) map[string]string {
	return config.Config{Claims: props.Claims, TenantNameClaim: props.Claims.TenantName, SetupURL: props.SetupURL,
		TimeZone: props.TimeZone, AppURL: props.AppURL, MaxRunningJobs: config.DefaultMaxRunningJobs,
		InvitationsPerHour: props.InvitationsPerHour}.Env()
}

// workers makes the functions no route invokes: the export worker reads the queue through an
// event source that reports batch item failures (only failed messages come back), writes the
// exports bucket, updates the table and sends the ready/failed e-mail.
func workers(stack awscdk.Stack, props StackProps, s *Stack, configSet awsses.ConfigurationSet, pool awscognito.UserPool) {
	for _, w := range routes.Workers {
		switch w.Trigger {
		case routes.FromQueue:
			queue := s.queue(w.Queue)
			// The event source mapping receives and deletes the messages with the function's role.
			consume := awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
				Resources: &[]*string{queue.QueueArn()},
			})
			fn := newFunction(stack, props, w.Function, w.MemoryMB, w.TimeoutSeconds, s, configSet, w.Uses, consume)
			fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(queue, &awslambdaeventsources.SqsEventSourceProps{
				BatchSize: jsii.Number(1), ReportBatchItemFailures: jsii.Bool(true),
			}))
			s.Functions[w.Function] = fn
		case routes.OnSignIn:
			if pool == nil {
				continue // an imported identity provider: its users are not mirrored by a trigger
			}
			fn := newFunction(stack, props, w.Function, w.MemoryMB, w.TimeoutSeconds, s, configSet, w.Uses)
			pool.AddTrigger(awscognito.UserPoolOperation_POST_AUTHENTICATION(), fn, awscognito.LambdaVersion_V1_0)
			// The pool names the function as its trigger, so the function's own policy cannot
			// name the pool (a cycle): this one grant is a policy of its own, attached after both.
			var actions []string
			for _, p := range w.Uses {
				if p.Resource == routes.UserPool {
					actions = append(actions, p.Action)
				}
			}
			awsiam.NewPolicy(stack, jsii.String(constructID(w.Function)+"UserPool"), &awsiam.PolicyProps{
				Roles: &[]awsiam.IRole{fn.Role()},
				Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Actions: jsii.Strings(actions...), Resources: &[]*string{pool.UserPoolArn()},
				})},
			})
			s.Functions[w.Function] = fn
		default:
			panic("infra: worker " + w.Function + " has no trigger")
		}
	}
}

// queue is the stack's queue that res names.
func (s *Stack) queue(res routes.Resource) awssqs.Queue {
	switch res {
	case routes.ExportQueue:
		return s.Queue
	case routes.ImportQueue:
		return s.ImportQueue
	}
	panic("infra: no queue " + string(res))
}

// newFunction makes one Lambda function with its own role, tracing, the configuration it
// reads, and exactly the permissions its code uses (platform: what Lambda itself does with
// the role besides). The role's policy is inline and the role closed to later additions: one
// resource per function, not two, which keeps the stack well under CloudFormation's 500
// resources as routes are added.
func newFunction(stack awscdk.Stack, props StackProps, name string, memoryMB, timeoutSeconds int, s *Stack,
	configSet awsses.ConfigurationSet, uses []routes.Permission, platform ...awsiam.PolicyStatement) awslambda.Function {
	env := functionEnv(props)
	if routes.Calls(uses, routes.MailIdentity) {
		env[config.EnvMailFrom] = mailFrom(props)
	}
	if memoryMB == 0 {
		memoryMB = config.DefaultMemoryMB
	}
	if timeoutSeconds == 0 {
		timeoutSeconds = config.DefaultTimeoutSeconds
	}
	id := constructID(name)
	statements := append(grants(stack, props, s, configSet, uses),
		// Logs into the functions' group; traces to X-Ray (which has no narrower resource).
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"), Resources: &[]*string{s.Logs.LogGroupArn()},
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("xray:PutTraceSegments", "xray:PutTelemetryRecords"), Resources: jsii.Strings("*"),
		}))
	statements = append(statements, platform...)
	// An explicit role instead of the default one, which carries the AWS-managed
	// AWSLambdaBasicExecutionRole (logs:* on every log group).
	role := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:      awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description:    jsii.String("clientdesk function " + name),
		InlinePolicies: &map[string]awsiam.PolicyDocument{"Function": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements})},
	})
	fnEnv := map[string]*string{}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fnEnv[k] = jsii.String(env[k])
	}
	fnEnv[config.EnvTableName] = s.Table.TableName()
	fnEnv[config.EnvZoneInfo] = jsii.String(config.ZoneInfoDir)
	if routes.Calls(uses, routes.MailIdentity) {
		fnEnv[config.EnvMailConfig] = configSet.ConfigurationSetName()
	}
	if routes.Calls(uses, routes.ExportQueue) {
		fnEnv[config.EnvQueueURL] = s.Queue.QueueUrl()
	}
	if routes.Calls(uses, routes.ImportQueue) {
		fnEnv[config.EnvImportQueue] = s.ImportQueue.QueueUrl()
	}
	if routes.Calls(uses, routes.ExportFiles) || routes.Calls(uses, routes.ImportFiles) {
		fnEnv[config.EnvBucket] = s.Exports.BucketName()
	}
	fn := awslambda.NewFunction(stack, jsii.String(id), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(filepath.Join(props.AssetDir, name)), nil),
		MemorySize:   jsii.Number(float64(memoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(timeoutSeconds))),
		Environment:  &fnEnv,
		Layers:       &[]awslambda.ILayerVersion{s.Zone},
		LogGroup:     s.Logs,
		// Everything the function needs is in the inline policy above: CDK's own additions
		// (tracing, the event source) would make a second policy resource.
		Role:        role.WithoutPolicyUpdates(nil),
		Tracing:     awslambda.Tracing_ACTIVE,
		Description: jsii.String(fmt.Sprintf("clientdesk %s", name)),
	})
	suppressions := []*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("X-Ray trace writes cannot be scoped to a resource; DynamoDB grants cover this table's own indexes (table/index/*)."),
		AppliesTo: &[]interface{}{jsii.String("Resource::*"), &cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<Table[A-Z0-9]+\.Arn>\/index\/\*$/`)}},
	}}
	if routes.Calls(uses, routes.ExportFiles) {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{
			Id:        jsii.String("AwsSolutions-IAM5"),
			Reason:    jsii.String("Export files are named per tenant, job and run under exports/; the grant covers that prefix of the exports bucket only."),
			AppliesTo: &[]interface{}{&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<ExportFiles[A-Z0-9]+\.Arn>\/exports\/\*$/`)}},
		})
	}
	if routes.Calls(uses, routes.ImportFiles) {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{
			Id:        jsii.String("AwsSolutions-IAM5"),
			Reason:    jsii.String("Uploaded files are named per tenant and import under imports/; the grant covers that prefix of the bucket only."),
			AppliesTo: &[]interface{}{&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<ExportFiles[A-Z0-9]+\.Arn>\/imports\/\*$/`)}},
		})
	}
	cdknag.NagSuppressions_AddResourceSuppressions(role, &suppressions, jsii.Bool(true))
	return fn
}

// grants are the statements that give a function exactly the permissions its code uses,
// each on its one resource.
func grants(stack awscdk.Stack, props StackProps, s *Stack, configSet awsses.ConfigurationSet, uses []routes.Permission) []awsiam.PolicyStatement {
	byResource := map[routes.Resource][]string{}
	for _, p := range uses {
		byResource[p.Resource] = append(byResource[p.Resource], p.Action)
	}
	var out []awsiam.PolicyStatement
	for _, res := range slices.Sorted(maps.Keys(byResource)) {
		actions := byResource[res]
		slices.Sort(actions)
		var resources []*string
		switch res {
		case routes.Table:
			resources = []*string{s.Table.TableArn()}
		case routes.TableIndexes:
			resources = []*string{awscdk.Fn_Join(jsii.String(""), &[]*string{s.Table.TableArn(), jsii.String("/index/*")})}
		case routes.ExportQueue, routes.ImportQueue:
			resources = []*string{s.queue(res).QueueArn()}
		case routes.ExportFiles:
			// The export files only (the exports/ prefix).
			resources = []*string{s.Exports.ArnForObjects(jsii.String("exports/*"))}
		case routes.ImportFiles:
			// The uploaded files only (the imports/ prefix): each upload link names its
			// import's own key under the tenant's prefix.
			resources = []*string{s.Exports.ArnForObjects(jsii.String("imports/*"))}
		case routes.UserPool:
			continue // granted by a policy of its own (see workers)
		case routes.MailIdentity:
			resources = []*string{
				stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String(props.SenderIdentity)}),
				stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("configuration-set"), ResourceName: configSet.ConfigurationSetName()}),
			}
		default:
			panic("infra: no resource " + string(res))
		}
		out = append(out, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{Actions: jsii.Strings(actions...), Resources: &resources}))
	}
	return out
}

// alarms watches what should never happen silently, and notifies a topic when asked to.
func alarms(stack awscdk.Stack, props StackProps, s *Stack) {
	var action awscloudwatch.IAlarmAction
	if props.AlarmEmail != "" {
		topic := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(props.AlarmEmail), nil))
		cdknag.NagSuppressions_AddResourceSuppressions(topic, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-SNS2"), Reason: jsii.String("Alarm notices carry no client data; an AWS-managed key would also block CloudWatch from publishing."),
		}}, nil)
		action = awscloudwatchactions.NewSnsAction(topic)
	}
	add := func(a awscloudwatch.Alarm) {
		if action != nil {
			a.AddAlarmAction(action)
		}
	}
	five := awscdk.Duration_Minutes(jsii.Number(5))
	for _, q := range []struct {
		dlq      awssqs.Queue
		id, what string
	}{{s.DLQ, "ExportsDLQNotEmpty", "An export"}, {s.ImportDLQ, "ImportsDLQNotEmpty", "An import"}} {
		add(q.dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}).
			CreateAlarm(stack, jsii.String(q.id), &awscloudwatch.CreateAlarmOptions{
				Threshold: jsii.Number(0), EvaluationPeriods: jsii.Number(1),
				ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
				AlarmDescription:   jsii.String(q.what + " message failed three times and is in the dead-letter queue."),
				TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			}))
	}
	names := make([]string, 0, len(s.Functions))
	for name := range s.Functions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fn := s.Functions[name]
		id := constructID(name)
		add(fn.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}).
			CreateAlarm(stack, jsii.String(id+"Errors"), &awscloudwatch.CreateAlarmOptions{
				Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
				ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
				AlarmDescription:   jsii.String(name + " failed (a crash or a timeout, not an error response)."),
				TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			}))
	}
	// Throttling comes from the account's concurrency, shared by every function: one alarm.
	add(awslambda.Function_MetricAllThrottles(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}).
		CreateAlarm(stack, jsii.String("FunctionsThrottled"), &awscloudwatch.CreateAlarmOptions{
			Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			AlarmDescription:   jsii.String("Lambda throttled a function (the account's concurrency is exhausted)."),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}))
	rate := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("IF(requests > 0, 100 * errors / requests, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"errors":   s.API.MetricServerError(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
			"requests": s.API.MetricCount(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
		},
		Period: five,
		Label:  jsii.String("API 5xx rate (%)"),
	})
	add(rate.CreateAlarm(stack, jsii.String("Api5xxRate"), &awscloudwatch.CreateAlarmOptions{
		Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(2),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		AlarmDescription:   jsii.String("More than 1% of API requests ended in a 5xx for 10 minutes."),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}))
}

// constructID turns a function name (create-client) into a construct id (CreateClient).
func constructID(name string) string {
	out := make([]byte, 0, len(name))
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' {
			upper = true
			continue
		}
		if upper && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		out = append(out, c)
	}
	return string(out)
}
