package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/clientdesk/clientdesk/internal/config"
)

// zoneLayer is the deployment's time zone as a layer of one file, zoneinfo/<zone>, taken
// from the Go toolchain's own zone database (the one time/tzdata embeds). Lambda mounts it
// under /opt, where the functions read it (config.LoadZone, ZONEINFO=/opt/zoneinfo): about
// 3 KB for the one zone the deployment writes dates in, where linking time/tzdata would
// add 450 KB to each function that formats a date.
func zoneLayer(scope constructs.Construct, zone string) awslambda.LayerVersion {
	data, err := zoneData(zone)
	if err != nil {
		panic("infra: timeZone: " + err.Error())
	}
	sum := sha256.Sum256(append([]byte(zone+"\x00"), data...))
	dir := filepath.Join(os.TempDir(), "clientdesk-zone-"+hex.EncodeToString(sum[:8]))
	file := filepath.Join(dir, "zoneinfo", filepath.FromSlash(zone))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		panic("infra: " + err.Error())
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		panic("infra: " + err.Error())
	}
	return awslambda.NewLayerVersion(scope, jsii.String("TimeZone"), &awslambda.LayerVersionProps{
		Code:                    awslambda.Code_FromAsset(jsii.String(dir), nil),
		CompatibleArchitectures: &[]awslambda.Architecture{awslambda.Architecture_ARM_64()},
		CompatibleRuntimes:      &[]awslambda.Runtime{awslambda.Runtime_PROVIDED_AL2023()},
		Description:             jsii.String("clientdesk time zone " + zone + " (" + config.ZoneInfoDir + ")"),
	})
}

// zoneData returns the TZif file of an IANA zone from the Go toolchain's zoneinfo.zip.
func zoneData(zone string) ([]byte, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	r, err := zip.OpenReader(filepath.Join(strings.TrimSpace(string(out)), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for _, f := range r.File {
		if f.Name != zone {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return nil, err
		}
		if _, err := time.LoadLocationFromTZData(zone, data); err != nil {
			return nil, fmt.Errorf("%q: %w", zone, err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%q is not a time zone of the IANA database", zone)
}
