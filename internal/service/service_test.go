package service

import "testing"

func TestLambdaAWSConfig(t *testing.T) {
	env := map[string]string{"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok"}
	cfg, err := lambdaAWSConfig(func(k string) string { return env[k] })
	if err != nil || cfg.Region != "eu-west-3" {
		t.Fatal(cfg, err)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || creds.SessionToken != "tok" || creds.AccessKeyID != "AKIA" {
		t.Fatal(creds, err)
	}
	delete(env, "AWS_REGION")
	if _, err := lambdaAWSConfig(func(k string) string { return env[k] }); err == nil {
		t.Fatal("missing region accepted")
	}
}

func TestLoadNeedsATable(t *testing.T) {
	t.Setenv("TABLE_NAME", "")
	if _, err := Load(); err == nil {
		t.Fatal("Load without TABLE_NAME must fail at init")
	}
}
