package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// synthesized is a stack, its template as JSON and its cdk-nag findings.
type synthesized struct {
	stack     *Stack
	outdir    string // the cloud assembly, with the staged assets
	resources map[string]resource
	outputs   map[string]any
	nagErrors []string
}

type resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
	Metadata   map[string]any `json:"Metadata"`
}

var (
	defaultOnce sync.Once
	defaultSyn  *synthesized
	// assemblies are the cloud assemblies synthesized, removed when the tests end.
	assemblies []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range assemblies {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// defaultStack is synthesized once for all tests: jsii calls are slow.
func defaultStack(t testing.TB) *synthesized {
	t.Helper()
	defaultOnce.Do(func() {
		defaultSyn = synth(t, StackProps{FrontendOrigin: "https://app.example.com", SenderIdentity: "mail.example.com", SetupURL: "https://app.example.com/setup", TimeZone: "Europe/Paris"})
	})
	if defaultSyn == nil {
		t.Fatal("synthesis failed")
	}
	return defaultSyn
}

func synth(t testing.TB, props StackProps) *synthesized {
	t.Helper()
	assets := t.TempDir()
	names := []string{}
	for _, r := range routes.All {
		names = append(names, r.Function())
	}
	for _, w := range routes.Workers {
		names = append(names, w.Function)
	}
	for _, name := range names {
		dir := filepath.Join(assets, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("placeholder for "+name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	props.AssetDir = assets
	// Not t.TempDir(): the default stack outlives the test that synthesizes it.
	outdir, err := os.MkdirTemp("", "clientdesk-assembly-")
	if err != nil {
		t.Fatal(err)
	}
	assemblies = append(assemblies, outdir)
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	s := NewStack(app, "Test", props)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)

	tmpl := assertions.Template_FromStack(s.Stack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]resource `json:"Resources"`
		Outputs   map[string]any      `json:"Outputs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	out := &synthesized{stack: s, outdir: outdir, resources: doc.Resources, outputs: doc.Outputs}
	// cdk-nag records its findings as error metadata on the offending constructs during synthesis.
	for _, c := range *s.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		for _, m := range *c.Node().Metadata() {
			if data := fmt.Sprint(m.Data); *m.Type == "aws:cdk:error" && strings.HasPrefix(data, "AwsSolutions-") {
				out.nagErrors = append(out.nagErrors, *c.Node().Path()+": "+data)
			}
		}
	}
	return out
}

func (s *synthesized) ofType(typ string) map[string]resource {
	out := map[string]resource{}
	for id, r := range s.resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

func (s *synthesized) logicalID(c constructs.IConstruct) string {
	return *s.stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}

// functionOf maps a route's function name to its logical id.
func (s *synthesized) functionIDs() map[string]string {
	out := map[string]string{}
	for name, fn := range s.stack.Functions {
		out[name] = s.logicalID(fn)
	}
	return out
}

func TestOneFunctionAndOneRoutePerRouteTableEntry(t *testing.T) {
	s := defaultStack(t)
	fns := s.ofType("AWS::Lambda::Function")
	if len(fns) != len(routes.All)+len(routes.Workers) {
		t.Fatalf("%d functions for %d routes and %d workers", len(fns), len(routes.All), len(routes.Workers))
	}
	ids := s.functionIDs()
	apiRoutes := s.ofType("AWS::ApiGatewayV2::Route")
	if len(apiRoutes) != len(routes.All) {
		t.Fatalf("%d API routes for %d route-table entries", len(apiRoutes), len(routes.All))
	}
	for _, r := range routes.All {
		fn, ok := fns[ids[r.Function()]]
		if !ok {
			t.Errorf("%s: no function", r.Key())
			continue
		}
		p := fn.Properties
		wantMemory := float64(max(r.MemoryMB, config.DefaultMemoryMB))
		if r.MemoryMB == 0 {
			wantMemory = config.DefaultMemoryMB
		}
		wantTimeout := float64(config.DefaultTimeoutSeconds)
		if r.TimeoutSeconds != 0 {
			wantTimeout = float64(r.TimeoutSeconds)
		}
		if p["Runtime"] != "provided.al2023" || fmt.Sprint(p["Architectures"]) != "[arm64]" || p["Handler"] != "bootstrap" ||
			p["MemorySize"] != wantMemory || p["Timeout"] != wantTimeout ||
			fmt.Sprint(p["TracingConfig"]) != "map[Mode:Active]" || p["LoggingConfig"] == nil {
			t.Errorf("%s: function properties %v", r.Key(), p)
		}
		env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
		if env["TABLE_NAME"] == nil || env["TENANT_CLAIM"] != auth.DefaultClaimNames.Tenant || env["ROLES_CLAIM"] != auth.DefaultClaimNames.Roles ||
			env["SETUP_URL"] != "https://app.example.com/setup" || env["TIME_ZONE"] != "Europe/Paris" {
			t.Errorf("%s: environment %v", r.Key(), env)
		}
		if routes.Calls(r.Uses, routes.MailIdentity) != (env["MAIL_FROM"] == "noreply@mail.example.com" && env["MAIL_CONFIGURATION_SET"] != nil) {
			t.Errorf("%s: mail settings %v", r.Key(), env)
		}
		if routes.Calls(r.Uses, routes.ExportQueue) != (env["EXPORTS_QUEUE_URL"] != nil) || (routes.Calls(r.Uses, routes.ExportFiles) || routes.Calls(r.Uses, routes.ImportFiles)) != (env["EXPORTS_BUCKET"] != nil) {
			t.Errorf("%s: queue and bucket settings %v", r.Key(), env)
		}
		var route *resource
		for _, ar := range apiRoutes {
			if ar.Properties["RouteKey"] == r.Key() {
				route = &ar
			}
		}
		if route == nil {
			t.Errorf("%s: no API route", r.Key())
			continue
		}
		wantAuth := "JWT"
		if r.Public {
			wantAuth = "NONE"
		}
		if route.Properties["AuthorizationType"] != wantAuth {
			t.Errorf("%s: authorization %v, want %s", r.Key(), route.Properties["AuthorizationType"], wantAuth)
		}
		if r.Public == (route.Properties["AuthorizerId"] != nil) {
			t.Errorf("%s: authorizer %v", r.Key(), route.Properties["AuthorizerId"])
		}
		target := fmt.Sprint(route.Properties["Target"])
		integrations := s.ofType("AWS::ApiGatewayV2::Integration")
		found := false
		for id, in := range integrations {
			if strings.Contains(target, id) && strings.Contains(fmt.Sprint(in.Properties["IntegrationUri"]), ids[r.Function()]) {
				found = found || in.Properties["PayloadFormatVersion"] == "2.0"
			}
		}
		if !found {
			t.Errorf("%s: not integrated with its function in payload format 2.0 (target %s)", r.Key(), target)
		}
	}
	for _, lg := range s.ofType("AWS::Logs::LogGroup") {
		if lg.Properties["RetentionInDays"] == nil {
			t.Errorf("log group without retention: %v", lg.Properties)
		}
	}
}

func TestAuthorizerFromTheUserPool(t *testing.T) {
	s := defaultStack(t)
	auths := s.ofType("AWS::ApiGatewayV2::Authorizer")
	if len(auths) != 1 {
		t.Fatalf("%d authorizers", len(auths))
	}
	for _, a := range auths {
		jwt := fmt.Sprint(a.Properties["JwtConfiguration"])
		if a.Properties["AuthorizerType"] != "JWT" || !strings.Contains(jwt, "cognito-idp.") || !strings.Contains(jwt, "StaffWeb") {
			t.Errorf("authorizer %v", a.Properties)
		}
	}
	pools := s.ofType("AWS::Cognito::UserPool")
	if len(pools) != 1 {
		t.Fatalf("%d user pools", len(pools))
	}
	for _, p := range pools {
		schema := fmt.Sprint(p.Properties["Schema"])
		if !strings.Contains(schema, "Name:tenant_id") || !strings.Contains(schema, "Mutable:false") || p.Properties["MfaConfiguration"] != "ON" {
			t.Errorf("user pool %v", p.Properties)
		}
		// Staff are mirrored into the directory as they sign in.
		if trigger := fmt.Sprint(p.Properties["LambdaConfig"]); !strings.Contains(trigger, "PostAuthentication") || !strings.Contains(trigger, s.functionIDs()["record-staff"]) {
			t.Errorf("sign-in trigger %v", trigger)
		}
	}
	var groups []string
	for _, g := range s.ofType("AWS::Cognito::UserPoolGroup") {
		groups = append(groups, g.Properties["GroupName"].(string))
	}
	slices.Sort(groups)
	if fmt.Sprint(groups) != "[admin editor viewer]" {
		t.Errorf("groups %v", groups)
	}
	for _, c := range s.ofType("AWS::Cognito::UserPoolClient") {
		if strings.Contains(fmt.Sprint(c.Properties["WriteAttributes"]), "tenant") {
			t.Errorf("the front end could change its tenant: %v", c.Properties["WriteAttributes"])
		}
	}
	for _, api := range s.ofType("AWS::ApiGatewayV2::Api") {
		cors := fmt.Sprint(api.Properties["CorsConfiguration"])
		if !strings.Contains(cors, "https://app.example.com") || !strings.Contains(cors, "If-Match") || !strings.Contains(cors, "ETag") {
			t.Errorf("CORS %s", cors)
		}
	}
}

func TestImportedIdentityProvider(t *testing.T) {
	s := synth(t, StackProps{ExternalIssuer: "https://login.example.com/", ExternalAudience: "clientdesk-api", SetupURL: "https://app.example.com/setup",
		FrontendOrigin: "https://app.example.com", SenderIdentity: "mail.example.com",
		Claims: auth.ClaimNames{Tenant: "org_id", Roles: "roles"}})
	if n := len(s.ofType("AWS::Cognito::UserPool")); n != 0 {
		t.Fatalf("%d user pools with an imported provider", n)
	}
	for _, a := range s.ofType("AWS::ApiGatewayV2::Authorizer") {
		if fmt.Sprint(a.Properties["JwtConfiguration"]) != "map[Audience:[clientdesk-api] Issuer:https://login.example.com/]" {
			t.Errorf("authorizer %v", a.Properties["JwtConfiguration"])
		}
	}
	for _, fn := range s.ofType("AWS::Lambda::Function") {
		env := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if env["TENANT_CLAIM"] != "org_id" || env["ROLES_CLAIM"] != "roles" {
			t.Errorf("claims not passed on: %v", env)
		}
	}
}

func TestTableMatchesSchema(t *testing.T) {
	s := defaultStack(t)
	tables := s.ofType("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables", len(tables))
	}
	for _, tb := range tables {
		p := tb.Properties
		key := func(k store.KeySchema) string {
			return fmt.Sprintf("[map[AttributeName:%s KeyType:HASH] map[AttributeName:%s KeyType:RANGE]]", k.Partition, k.Sort)
		}
		if fmt.Sprint(p["KeySchema"]) != key(store.Schema.Keys) {
			t.Errorf("keys %v", p["KeySchema"])
		}
		gsis, _ := p["GlobalSecondaryIndexes"].([]any)
		if len(gsis) != len(store.Schema.Indexes) {
			t.Fatalf("GSIs %v", gsis)
		}
		for i, ix := range store.Schema.Indexes {
			g := gsis[i].(map[string]any)
			if g["IndexName"] != ix.Name || fmt.Sprint(g["KeySchema"]) != key(ix.Keys) || fmt.Sprint(g["Projection"]) != "map[ProjectionType:ALL]" {
				t.Errorf("GSI %d: %v", i, g)
			}
		}
		var attrs []string
		for _, a := range p["AttributeDefinitions"].([]any) {
			m := a.(map[string]any)
			if m["AttributeType"] != "S" {
				t.Errorf("attribute %v", m)
			}
			attrs = append(attrs, m["AttributeName"].(string))
		}
		want := store.Schema.KeyAttributes()
		slices.Sort(attrs)
		slices.Sort(want)
		if !slices.Equal(attrs, want) {
			t.Errorf("attributes %v, want %v", attrs, want)
		}
		if p["BillingMode"] != "PAY_PER_REQUEST" || p["DeletionProtectionEnabled"] != true ||
			fmt.Sprint(p["PointInTimeRecoverySpecification"]) != "map[PointInTimeRecoveryEnabled:true]" ||
			fmt.Sprint(p["TimeToLiveSpecification"]) != "map[AttributeName:"+store.Schema.TTLAttribute+" Enabled:true]" ||
			!strings.Contains(fmt.Sprint(p["SSESpecification"]), "SSEEnabled:true") {
			t.Errorf("table settings %v", p)
		}
	}
}

func TestExportPipeline(t *testing.T) {
	s := defaultStack(t)
	queueID := s.logicalID(s.stack.Queue)
	dlqID := s.logicalID(s.stack.DLQ)
	q, dlq := s.resources[queueID], s.resources[dlqID]
	if q.Properties["SqsManagedSseEnabled"] != true || dlq.Properties["SqsManagedSseEnabled"] != true {
		t.Errorf("queues without SSE: %v %v", q.Properties, dlq.Properties)
	}
	redrive := fmt.Sprint(q.Properties["RedrivePolicy"])
	if !strings.Contains(redrive, "maxReceiveCount:3") || !strings.Contains(redrive, dlqID) {
		t.Errorf("redrive %s", redrive)
	}
	queuePolicies := 0
	for _, p := range s.ofType("AWS::SQS::QueuePolicy") {
		if strings.Contains(fmt.Sprint(p.Properties), "aws:SecureTransport:false") {
			queuePolicies++
		}
	}
	if queuePolicies != 4 {
		t.Errorf("%d queues deny plain HTTP, want 4 (two queues, their dead-letter queues)", queuePolicies)
	}
	iq, idlq := s.resources[s.logicalID(s.stack.ImportQueue)], s.logicalID(s.stack.ImportDLQ)
	if redrive := fmt.Sprint(iq.Properties["RedrivePolicy"]); iq.Properties["SqsManagedSseEnabled"] != true ||
		!strings.Contains(redrive, "maxReceiveCount:3") || !strings.Contains(redrive, idlq) {
		t.Errorf("import queue %v", iq.Properties)
	}
	// Each queue's worker reads its own queue, and only it.
	mappings := s.ofType("AWS::Lambda::EventSourceMapping")
	if len(mappings) != 2 {
		t.Errorf("%d event source mappings for the two queue workers", len(mappings))
	}
	consumer := map[string]string{s.logicalID(s.stack.Queue): "job-worker", s.logicalID(s.stack.ImportQueue): "import-worker"}
	for _, m := range mappings {
		found := false
		for queue, fn := range consumer {
			if strings.Contains(fmt.Sprint(m.Properties["EventSourceArn"]), queue+" ") &&
				strings.Contains(fmt.Sprint(m.Properties["FunctionName"]), s.logicalID(s.stack.Functions[fn])) {
				found = true
			}
		}
		if fmt.Sprint(m.Properties["FunctionResponseTypes"]) != "[ReportBatchItemFailures]" || m.Properties["BatchSize"] != 1.0 || !found {
			t.Errorf("worker's event source: %v", m.Properties)
		}
	}
	worker := s.resources[s.logicalID(s.stack.Functions["job-worker"])].Properties
	if worker["Timeout"] != 900.0 || !strings.Contains(fmt.Sprint(worker["Environment"]), "EXPORTS_BUCKET") {
		t.Errorf("worker %v", worker)
	}

	bucketID := s.logicalID(s.stack.Exports)
	b := s.resources[bucketID].Properties
	if fmt.Sprint(b["PublicAccessBlockConfiguration"]) != "map[BlockPublicAcls:true BlockPublicPolicy:true IgnorePublicAcls:true RestrictPublicBuckets:true]" ||
		!strings.Contains(fmt.Sprint(b["BucketEncryption"]), "SSEAlgorithm:AES256") ||
		!strings.Contains(fmt.Sprint(b["LifecycleConfiguration"]), fmt.Sprintf("ExpirationInDays:%d Prefix:exports/", config.ExportFileRetentionDays)) ||
		!strings.Contains(fmt.Sprint(b["LifecycleConfiguration"]), fmt.Sprintf("ExpirationInDays:%d Prefix:imports/", config.ImportFileRetentionDays)) ||
		fmt.Sprint(b["CorsConfiguration"]) != "map[CorsRules:[map[AllowedHeaders:[content-type] AllowedMethods:[PUT] AllowedOrigins:[https://app.example.com] MaxAge:3600]]]" ||
		!strings.Contains(fmt.Sprint(b["OwnershipControls"]), "BucketOwnerEnforced") ||
		b["LoggingConfiguration"] == nil {
		t.Errorf("exports bucket %v", b)
	}
	tls := false
	for _, p := range s.ofType("AWS::S3::BucketPolicy") {
		if strings.Contains(fmt.Sprint(p.Properties["Bucket"]), bucketID) && strings.Contains(fmt.Sprint(p.Properties), "aws:SecureTransport:false") {
			tls = true
		}
	}
	if !tls {
		t.Error("exports bucket does not enforce TLS")
	}
	if n := len(s.ofType("AWS::SES::ConfigurationSet")); n != 1 {
		t.Errorf("%d SES configuration sets", n)
	}
}

// Every function's permissions, walked statement by statement, equal what its code uses
// (routes.Route.Uses, itself checked against the calls the code makes in the local stack):
// no grant without a use, no use without a grant, each on its one resource.
func TestGrantsEqualUses(t *testing.T) {
	s := defaultStack(t)
	roleOf := map[string]string{} // role logical id -> function name
	for name, fn := range s.stack.Functions {
		roleOf[s.logicalID(fn.Role())] = name
	}
	want := map[string][]routes.Permission{}
	for _, r := range routes.All {
		want[r.Function()] = r.Uses
	}
	workers := map[string]bool{}
	for _, w := range routes.Workers {
		want[w.Function], workers[w.Function] = w.Uses, true
	}
	// What Lambda itself does with the role, not the function's code: logs into the function's
	// own group, traces to X-Ray (which offers no narrower resource than "*"), and, for a
	// queue's worker, the event source mapping's receive and delete.
	platform := func(fn, action string, resources []string) bool {
		switch {
		case action == "logs:CreateLogStream" || action == "logs:PutLogEvents":
			return len(resources) == 1 && strings.Contains(resources[0], "Logs")
		case action == "xray:PutTraceSegments" || action == "xray:PutTelemetryRecords":
			return len(resources) == 1 && resources[0] == "*"
		case workers[fn] && slices.Contains([]string{"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
			"sqs:DeleteMessage", "sqs:GetQueueAttributes"}, action):
			// Its own queue's, and no other.
			queue := "Exports"
			if w := routes.WorkerOf(fn); w.Queue == routes.ImportQueue {
				queue = "Imports"
			}
			return len(resources) == 1 && strings.Contains(resources[0], queue) && !strings.Contains(resources[0], "DLQ")
		}
		return false
	}
	// Each function's role holds its policy inline; the one exception is the sign-in
	// trigger's grant on the user pool, which names the trigger (a policy of its own breaks the
	// cycle).
	docs := map[string][]any{}
	for roleID, fn := range roleOf {
		policies, _ := s.resources[roleID].Properties["Policies"].([]any)
		if len(policies) != 1 {
			t.Errorf("%s: %d inline policies", fn, len(policies))
			continue
		}
		docs[fn] = append(docs[fn], policies[0].(map[string]any)["PolicyDocument"])
	}
	for id, p := range s.ofType("AWS::IAM::Policy") {
		var fn string
		for roleID, name := range roleOf {
			if strings.Contains(fmt.Sprint(p.Properties["Roles"]), roleID) {
				fn = name
			}
		}
		if fn != "record-staff" {
			t.Errorf("policy %s beside the roles' own, for %q", id, fn)
			continue
		}
		docs[fn] = append(docs[fn], p.Properties["PolicyDocument"])
	}
	got := map[string][]routes.Permission{}
	for fn, list := range docs {
		for _, d := range list {
			doc := d.(map[string]any)
			for _, st := range doc["Statement"].([]any) {
				stmt := st.(map[string]any)
				resources := asList(stmt["Resource"])
				for _, a := range asList(stmt["Action"]) {
					if platform(fn, a, resources) {
						continue
					}
					res, ok := resourceKind(resources)
					if !ok {
						t.Errorf("%s: %s on %v, which is none of the stack's resources or more than one", fn, a, resources)
						continue
					}
					got[fn] = append(got[fn], routes.Permission{Action: a, Resource: res})
				}
			}
		}
	}
	for fn, perms := range want {
		w := slices.SortedFunc(slices.Values(perms), routes.ComparePermissions)
		g := slices.SortedFunc(slices.Values(got[fn]), routes.ComparePermissions)
		if !slices.Equal(w, g) {
			t.Errorf("%s:\n granted %v\n uses    %v", fn, g, w)
		}
	}
	for _, fn := range []string{"get-open-api"} {
		if len(got[fn]) != 0 {
			t.Errorf("%s touches no data but may %v", fn, got[fn])
		}
	}
	for fn, perms := range got {
		for _, p := range perms {
			if p.Action == "dynamodb:Scan" || strings.HasSuffix(p.Action, ":*") {
				t.Errorf("%s may %s", fn, p)
			}
		}
	}
	// No function runs with an AWS-managed policy.
	for id, role := range s.ofType("AWS::IAM::Role") {
		if _, isFn := roleOf[id]; isFn && role.Properties["ManagedPolicyArns"] != nil {
			t.Errorf("%s: managed policies %v", roleOf[id], role.Properties["ManagedPolicyArns"])
		}
	}
}

// resourceKind tells which of the stack's resources a statement's resources are.
func resourceKind(resources []string) (routes.Resource, bool) {
	all := strings.Join(resources, " ")
	switch {
	case len(resources) == 2 && strings.Contains(all, "identity/mail.example.com") && strings.Contains(all, "configuration-set/"):
		return routes.MailIdentity, true
	case len(resources) != 1:
		return "", false
	case strings.Contains(all, "ExportFiles") && strings.Contains(all, "/exports/*"):
		return routes.ExportFiles, true
	case strings.Contains(all, "ExportFiles") && strings.Contains(all, "/imports/*"):
		return routes.ImportFiles, true
	case strings.HasPrefix(all, "map[Fn::Join:") && strings.Contains(all, "Table") && strings.Contains(all, "/index/*"):
		return routes.TableIndexes, true
	case strings.HasPrefix(all, "map[Fn::GetAtt:[Table") && strings.HasSuffix(all, " Arn]]"):
		return routes.Table, true
	case strings.HasPrefix(all, "map[Fn::GetAtt:[Exports") && !strings.Contains(all, "DLQ"):
		return routes.ExportQueue, true
	case strings.HasPrefix(all, "map[Fn::GetAtt:[Imports") && !strings.Contains(all, "DLQ"):
		return routes.ImportQueue, true
	case strings.HasPrefix(all, "map[Fn::GetAtt:[Staff") && strings.HasSuffix(all, " Arn]]"):
		return routes.UserPool, true
	}
	return "", false
}

func TestCdkNagAwsSolutions(t *testing.T) {
	s := defaultStack(t)
	for _, e := range s.nagErrors {
		t.Error(e)
	}
	// Every suppression carries a written reason.
	for id, r := range s.resources {
		nag, _ := r.Metadata["cdk_nag"].(map[string]any)
		rules, _ := nag["rules_to_suppress"].([]any)
		for _, rule := range rules {
			m := rule.(map[string]any)
			if reason, _ := m["reason"].(string); len(reason) < 20 {
				t.Errorf("%s: suppression of %v without a real reason", id, m["id"])
			}
		}
	}
}

func TestAlarmsAndOutputs(t *testing.T) {
	s := defaultStack(t)
	alarms := s.ofType("AWS::CloudWatch::Alarm")
	if want := 2 + (len(routes.All) + len(routes.Workers)) + 1 + 1; len(alarms) != want {
		t.Errorf("%d alarms, want %d (two DLQs, errors per function, throttles, API 5xx rate)", len(alarms), want)
	}
	for _, name := range []string{"ApiUrl", "UserPoolId", "UserPoolClientId", "TableName", "ExportsBucketName"} {
		if s.outputs[name] == nil {
			t.Errorf("output %s missing", name)
		}
	}
	if len(s.ofType("AWS::SNS::Topic")) != 0 {
		t.Error("a topic without an alarm e-mail")
	}
	withTopic := synth(t, StackProps{AlarmEmail: "ops@example.com", SetupURL: "https://app.example.com/setup", FrontendOrigin: "https://app.example.com", SenderIdentity: "mail.example.com"})
	if len(withTopic.ofType("AWS::SNS::Topic")) != 1 || len(withTopic.ofType("AWS::SNS::Subscription")) != 1 {
		t.Fatal("no topic for the alarm e-mail")
	}
	for id, a := range withTopic.ofType("AWS::CloudWatch::Alarm") {
		if a.Properties["AlarmActions"] == nil {
			t.Errorf("alarm %s notifies no one", id)
		}
	}
	for _, e := range withTopic.nagErrors {
		t.Error(e)
	}
}

// CloudFormation refuses a stack of more than 500 resources or 200 outputs: the template of
// every route stays within them (with an alarm e-mail, the largest variant).
func TestWithinCloudFormationLimits(t *testing.T) {
	s := synth(t, StackProps{AlarmEmail: "ops@example.com", SetupURL: "https://app.example.com/setup", FrontendOrigin: "https://app.example.com", SenderIdentity: "mail.example.com"})
	const maxResources, maxOutputs = 500, 200
	if len(s.resources) > maxResources || len(s.outputs) > maxOutputs {
		t.Fatalf("%d resources (CloudFormation allows %d), %d outputs (%d)", len(s.resources), maxResources, len(s.outputs), maxOutputs)
	}
	t.Logf("%d resources of %d for %d routes", len(s.resources), maxResources, len(routes.All))
}

func asList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			} else {
				out = append(out, fmt.Sprint(e))
			}
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// A deployment without its own setup page, front end and sender fails at synth, saying what to
// pass: no example.com link can reach a real invitation.
func TestDeployParametersAreRequired(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	_, err := PropsFromContext(app)
	if err == nil || !strings.Contains(err.Error(), "-c setupUrl=") || !strings.Contains(err.Error(), "frontendOrigin") ||
		!strings.Contains(err.Error(), "senderIdentity") {
		t.Fatalf("without parameters: %v", err)
	}
	app = awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &map[string]any{
		"setupUrl": "https://app.agency.example/setup", "frontendOrigin": "https://app.agency.example", "senderIdentity": "agency.example"}})
	props, err := PropsFromContext(app)
	if err != nil || props.AppURL != "https://app.agency.example" || props.SetupURL != "https://app.agency.example/setup" {
		t.Fatalf("with parameters: %+v %v", props, err)
	}
}

// Every function reads the deployment's time zone from the layer Lambda mounts under /opt:
// one file, the Go toolchain's own, for the zone the stack was given.
func TestTimeZoneComesInALayer(t *testing.T) {
	s := defaultStack(t)
	layers := s.ofType("AWS::Lambda::LayerVersion")
	if len(layers) != 1 {
		t.Fatalf("%d layers", len(layers))
	}
	for id, fn := range s.ofType("AWS::Lambda::Function") {
		env := s.templateEnv(fn)
		if templateVars(fn)[config.EnvZoneInfo] != config.ZoneInfoDir {
			t.Errorf("%s: %s=%q", id, config.EnvZoneInfo, templateVars(fn)[config.EnvZoneInfo])
			continue
		}
		data, err := os.ReadFile(filepath.Join(env[config.EnvZoneInfo], "Europe", "Paris"))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		want, err := zoneData("Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want) {
			t.Fatalf("%s: the layer's Europe/Paris is not the toolchain's", id)
		}
		loc, err := time.LoadLocationFromTZData("Europe/Paris", data)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), time.Date(1990, 7, 15, 12, 0, 0, 0, time.UTC)} {
			if _, off := at.In(loc).Zone(); off != map[time.Month]int{time.January: 3600, time.July: 7200}[at.Month()] {
				t.Errorf("%v: offset %d", at, off)
			}
		}
	}
	if _, err := zoneData("Europe/Nowhere"); err == nil {
		t.Error("an unknown zone was found")
	}
}
