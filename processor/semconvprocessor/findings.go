package semconvprocessor

// Finding ids, as OpenTelemetry Weaver's live-check names them.
const (
	MissingAttribute     = "missing_attribute"
	TypeMismatch         = "type_mismatch"
	UndefinedEnumVariant = "undefined_enum_variant"
	Deprecated           = "deprecated"
	NotStable            = "not_stable"
	InvalidFormat        = "invalid_format"
	MissingNamespace     = "missing_namespace"
	UnitMismatch         = "unit_mismatch"
	UnexpectedInstrument = "unexpected_instrument"
	RequiredNotPresent   = "required_attribute_not_present"
)

// Kinds index the findings in arrays.
const (
	kMissingAttribute = iota
	kTypeMismatch
	kUndefinedEnumVariant
	kDeprecated
	kNotStable
	kInvalidFormat
	kMissingNamespace
	kUnitMismatch
	kUnexpectedInstrument
	kRequiredNotPresent
	numKinds
)

// findingIDs names each kind.
var findingIDs = [numKinds]string{
	MissingAttribute, TypeMismatch, UndefinedEnumVariant, Deprecated, NotStable,
	InvalidFormat, MissingNamespace, UnitMismatch, UnexpectedInstrument, RequiredNotPresent,
}

// levels are the default levels of each finding.
var levels = map[string]string{
	MissingAttribute:     "violation",
	TypeMismatch:         "violation",
	UndefinedEnumVariant: "information",
	Deprecated:           "violation",
	NotStable:            "improvement",
	InvalidFormat:        "violation",
	MissingNamespace:     "improvement",
	UnitMismatch:         "violation",
	UnexpectedInstrument: "violation",
	RequiredNotPresent:   "violation",
}

func kindOf(id string) int {
	for i, f := range findingIDs {
		if f == id {
			return i
		}
	}
	return -1
}

// validName reports whether a name matches ^[a-z][a-z0-9]*([._][a-z0-9]+)*$
// without a regexp.
func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '.' || c == '_':
			if i == len(s)-1 || s[i+1] == '.' || s[i+1] == '_' {
				return false
			}
		default:
			return false
		}
	}
	return true
}
