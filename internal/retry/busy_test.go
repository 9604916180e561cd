package retry_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/clientdesk/clientdesk/internal/retry"
)

func TestBusy(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, true},
		{fmt.Errorf("transact write: %w", &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException"}), true},
		{&smithy.GenericAPIError{Code: "TransactionConflictException"}, true},
		{&smithy.GenericAPIError{Code: "ConditionalCheckFailedException"}, false},
		{&smithy.GenericAPIError{Code: "ValidationException"}, false},
		{errors.New("connection reset"), false},
		{nil, false},
	} {
		if got := retry.Busy(tc.err); got != tc.want {
			t.Errorf("Busy(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
