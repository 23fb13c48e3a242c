package clickhouseexporter

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"go.opentelemetry.io/collector/consumer/consumererror"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/chhttp"
)

// permanentCodes are server error codes that a retry cannot fix: the data
// or the table does not fit. They are counted by these reasons.
var permanentCodes = map[int32]string{
	6:   "cannot_parse_text",
	16:  "no_such_column_in_table",
	26:  "cannot_parse_quoted_string",
	27:  "cannot_parse_input_assertion_failed",
	36:  "bad_arguments",
	41:  "cannot_parse_datetime",
	43:  "illegal_type_of_argument",
	44:  "illegal_column",
	47:  "unknown_identifier",
	53:  "type_mismatch",
	60:  "unknown_table",
	62:  "syntax_error",
	69:  "argument_out_of_bound",
	70:  "cannot_convert_type",
	81:  "unknown_database",
	115: "unknown_setting",
	117: "incorrect_data",
	130: "cannot_read_array_from_text",
	131: "too_large_string_size",
	168: "too_deep_ast",
}

// appendError is a column the driver would not take: the data does not
// fit the table's type.
type appendError struct {
	column string
	err    error
}

func (e *appendError) Error() string { return fmt.Sprintf("column %s: %v", e.column, e.err) }
func (e *appendError) Unwrap() error { return e.err }

// classify says whether err is permanent, and why. Network errors,
// timeouts and the server's transient codes (too many parts, memory,
// read-only replica, ...) are not.
func classify(err error) (reason string, permanent bool) {
	var ae *appendError
	if errors.As(err, &ae) {
		return "column_conversion", true
	}
	var ce *column.ColumnConverterError
	if errors.As(err, &ce) {
		return "column_conversion", true
	}
	// Servers older than the settings-as-strings protocol (ClickHouse
	// 19.x and before) cannot be sent a string setting such as
	// insert_deduplication_token; the driver refuses before sending.
	if strings.Contains(err.Error(), "has unsupported data type") {
		return "unsupported_setting", true
	}
	// The HTTP transport checks the columns itself before sending.
	if strings.Contains(err.Error(), "is not present in the table") {
		return "no_such_column_in_table", true
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		if r, ok := permanentCodes[ex.Code]; ok {
			return r, true
		}
	}
	var hx *chhttp.Exception
	if errors.As(err, &hx) {
		if r, ok := permanentCodes[hx.Code]; ok {
			return r, true
		}
	}
	return "", false
}

func permanentError(err error) error { return consumererror.NewPermanent(err) }

// errIncompatible marks a table whose columns do not fit the exporter's.
var errIncompatible = errors.New("incompatible ClickHouse schema")
