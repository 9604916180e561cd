// Command list-import-errors is the Lambda function of the ListImportErrors operation: wiring
// only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.ListImportErrors, nil)
}
