package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/routes"
)

// runtimeAPI is the Lambda Runtime API of one function instance, in the test: it hands out one
// invocation, then records the answer (or the init error) the function posts back.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
type runtimeAPI struct {
	event  []byte
	mu     sync.Mutex
	polled time.Time
	done   chan struct{}
	answer string // "response", "error" or "init error"
	body   []byte
	served bool
}

func (rt *runtimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const base = "/2018-06-01/runtime/"
	path, ok := strings.CutPrefix(r.URL.Path, base)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		rt.mu.Lock()
		if rt.polled.IsZero() {
			rt.polled = time.Now()
		}
		served := rt.served
		rt.served = true
		rt.mu.Unlock()
		if served {
			<-r.Context().Done() // one invocation only: the next poll waits for the end
			return
		}
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
		h.Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(10*time.Second).UnixMilli()))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-3:000000000000:function:test")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
		_, _ = w.Write(rt.event)
	case r.Method == http.MethodPost && (strings.HasSuffix(path, "/response") || strings.HasSuffix(path, "/error") || path == "init/error"):
		body, _ := io.ReadAll(r.Body)
		rt.mu.Lock()
		rt.body = body
		switch {
		case path == "init/error":
			rt.answer = "init error"
		case strings.HasSuffix(path, "/error"):
			rt.answer = "error"
		default:
			rt.answer = "response"
		}
		rt.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		close(rt.done)
	default:
		http.NotFound(w, r)
	}
}

// lambdaEnv is what Lambda itself sets in every provided.al2023 function's environment.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
func lambdaEnv(function, runtimeAPI string) map[string]string {
	return map[string]string{
		"AWS_LAMBDA_RUNTIME_API": runtimeAPI, "_HANDLER": "bootstrap", "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
		"AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023", "AWS_LAMBDA_FUNCTION_NAME": "Clientdesk-" + function,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + function, "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/22/[$LATEST]0123456789abcdef",
		"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
		"AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000", "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
		"LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime", "TZ": ":UTC", "LANG": "en_US.UTF-8",
		"PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin", "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
	}
}

// templateEnv is a function's environment as the synthesized template sets it, with its
// layers mounted as Lambda mounts them under /opt: a directory the template names under
// /opt is read from the layer's staged asset instead.
func (s *synthesized) templateEnv(fn resource) map[string]string {
	env := templateVars(fn)
	layers, _ := fn.Properties["Layers"].([]any)
	for name, v := range env {
		rest, ok := strings.CutPrefix(v, "/opt/")
		if !ok {
			continue
		}
		for _, l := range layers {
			// The layer's content is the asset its key names, staged in the cloud assembly.
			ref, _ := l.(map[string]any)["Ref"].(string)
			content, _ := s.resources[ref].Properties["Content"].(map[string]any)
			key, _ := content["S3Key"].(string)
			hash, ok := strings.CutSuffix(key, ".zip")
			if dir := filepath.Join(s.outdir, "asset."+hash, filepath.FromSlash(rest)); ok && exists(dir) {
				env[name] = dir
			}
		}
	}
	return env
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// templateVars is a function's environment as the synthesized template sets it. A reference to
// another resource (the table's name, the queue's URL) becomes a plausible value of its kind:
// the functions only need it to be there at init.
func templateVars(fn resource) map[string]string {
	env := map[string]string{}
	vars, _ := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	for name, v := range vars {
		switch x := v.(type) {
		case string:
			env[name] = x
		default:
			switch ref := fmt.Sprint(x); {
			case strings.Contains(ref, "Exports") && name == config.EnvQueueURL:
				env[name] = "https://sqs.eu-west-3.amazonaws.com/000000000000/Clientdesk-Exports"
			default:
				env[name] = "clientdesk-" + strings.ToLower(name)
			}
		}
	}
	return env
}

// invocation is the event each function is given, and what its answer must contain: requests
// that need no AWS call (no token, a malformed link, the contract), so the test needs no
// emulator and checks only that the function started and answered.
func invocation(function string) (event string, want string) {
	for _, r := range routes.All {
		if r.Function() != function {
			continue
		}
		path := strings.NewReplacer("{id}", "019a9b6c-3f2e-7d41-9a2e-0123456789ab", "{key}", "siret", "{token}", "x").Replace(r.Path)
		ev := map[string]any{"version": "2.0", "routeKey": r.Key(), "rawPath": path, "headers": map[string]string{"content-type": "text/plain"},
			"body": "x", "requestContext": map[string]any{"requestId": "boot-test", "routeKey": r.Key(),
				"http": map[string]any{"method": r.Method, "path": path, "sourceIp": "192.0.2.1"}}}
		b, _ := json.Marshal(ev)
		switch {
		case r.Operation == routes.GetOpenAPI:
			return string(b), `"statusCode":200`
		case r.Operation == routes.GetInvitation:
			return string(b), `"statusCode":404`
		case r.Public:
			return string(b), `"statusCode":415`
		default: // no authorizer claims: the handler answers 401 before anything else
			return string(b), `"statusCode":401`
		}
	}
	if function == "record-staff" {
		// A sign-in without a tenant is let through unrecorded (a trigger's error would refuse
		// the sign-in): the event comes back as it went.
		return `{"version":"1","triggerSource":"PostAuthentication_Authentication","userPoolId":"eu-west-3_x","userName":"u",` +
			`"request":{"userAttributes":{"sub":"s"}},"response":{}}`, `"triggerSource":"PostAuthentication_Authentication"`
	}
	// A worker: a message no run could process is acknowledged, not retried.
	return `{"Records":[{"messageId":"m1","body":"not a job","eventSource":"aws:sqs"}]}`, `"batchItemFailures":[]`
}

// boot starts a function's binary with exactly env, serves it one invocation, and returns
// what it posted back and how long it took from exec to its first poll of the Runtime API.
func boot(t testing.TB, binary string, env map[string]string, event string) (rt *runtimeAPI, ready time.Duration, stderr string) {
	t.Helper()
	rt = &runtimeAPI{event: []byte(event), done: make(chan struct{})}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	env["AWS_LAMBDA_RUNTIME_API"] = strings.TrimPrefix(srv.URL, "http://")
	cmd := exec.Command(binary)
	cmd.Env = make([]string, 0, len(env))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-rt.done:
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Errorf("%s: no answer in 20 s", filepath.Base(binary))
	}
	_ = cmd.Process.Kill()
	<-exitedOrDone(exited)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if !rt.polled.IsZero() {
		ready = rt.polled.Sub(start)
	}
	return rt, ready, errOut.String()
}

func exitedOrDone(exited chan error) chan error {
	select {
	case err := <-exited:
		c := make(chan error, 1)
		c <- err
		return c
	case <-time.After(5 * time.Second):
		return exited
	}
}

// buildFunctions builds every function for this machine, as make build does for Lambda.
func buildFunctions(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", dir+string(os.PathSeparator), "./functions/...")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return dir
}

// Every function starts as it will in Lambda: its binary, with exactly the environment the
// synthesized template gives it and what Lambda adds, serves one invocation through a Runtime
// API and answers. A variable the stack forgets, or misspells, fails here (the function stops
// at init and says so through the Runtime API) instead of after a deploy.
func TestFunctionsBootWithTheirTemplateEnvironment(t *testing.T) {
	s := defaultStack(t)
	bin := buildFunctions(t)
	fns := s.ofType("AWS::Lambda::Function")
	ids := s.functionIDs()
	var report []string
	for name, id := range ids {
		env := s.templateEnv(fns[id])
		for k, v := range lambdaEnv(name, "") {
			env[k] = v
		}
		event, want := invocation(name)
		rt, ready, stderr := boot(t, filepath.Join(bin, name), env, event)
		if rt.answer != "response" || !strings.Contains(string(rt.body), want) {
			t.Errorf("%s: %s %s, want a response with %s\nstderr: %s", name, rt.answer, rt.body, want, stderr)
			continue
		}
		report = append(report, fmt.Sprintf("%s %.1f ms", name, float64(ready.Microseconds())/1000))
	}
	t.Logf("exec to first poll of the Runtime API: %s", strings.Join(report, ", "))

	// Without a variable the template sets, a function stops at init and tells the Runtime API.
	env := s.templateEnv(fns[ids["get-client"]])
	delete(env, config.EnvTableName)
	for k, v := range lambdaEnv("get-client", "") {
		env[k] = v
	}
	event, _ := invocation("get-client")
	rt, _, stderr := boot(t, filepath.Join(bin, "get-client"), env, event)
	if rt.answer != "init error" || !strings.Contains(string(rt.body), config.EnvTableName) || !strings.Contains(stderr, `"msg":"init failed"`) {
		t.Errorf("without %s: %s %s\nstderr: %s", config.EnvTableName, rt.answer, rt.body, stderr)
	}
}

// BenchmarkStartup: from exec to the first poll of the Runtime API (the moment Lambda counts
// init as done), for every function, with its template environment; the median of the runs.
// The phone-parsing functions are compared with get-client (goal: within 2×).
func BenchmarkStartup(b *testing.B) {
	s := defaultStack(b)
	bin := buildFunctions(b)
	fns := s.ofType("AWS::Lambda::Function")
	ids := s.functionIDs()
	names := slices.Sorted(maps.Keys(ids))
	medians := map[string]time.Duration{}
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				env := s.templateEnv(fns[ids[name]])
				for k, v := range lambdaEnv(name, "") {
					env[k] = v
				}
				event, _ := invocation(name)
				_, ready, _ := boot(b, filepath.Join(bin, name), env, event)
				times = append(times, ready)
			}
			slices.Sort(times)
			medians[name] = times[len(times)/2]
			b.ReportMetric(float64(medians[name].Microseconds())/1000, "ms-to-ready")
		})
	}
	if base := medians["get-client"]; base > 0 {
		for _, name := range []string{"create-client", "update-client"} {
			fmt.Printf("startup: %s %.1f ms, %.2f× get-client (%.1f ms)\n", name, float64(medians[name].Microseconds())/1000,
				float64(medians[name])/float64(base), float64(base.Microseconds())/1000)
		}
	}
}
