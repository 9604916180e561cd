package strictdynamo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The attribute values of DynamoDB's JSON protocol: their checks and their sizes.

func (v attr) kind() string {
	for k := range v {
		return k
	}
	return ""
}

func (v attr) str() (string, bool) {
	raw, ok := v["S"]
	if !ok || len(v) != 1 {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// checkValue checks a value at nesting depth: numbers in DynamoDB's range and precision,
// sets neither empty nor with duplicates, nesting within 32 levels.
func checkValue(v attr, depth int) *apiError {
	if len(v) != 1 {
		return invalid("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	}
	if depth > MaxNestingDepth {
		return invalid("Nesting Levels have exceeded supported limits")
	}
	for kind, raw := range v {
		switch kind {
		case "N":
			var n string
			if err := json.Unmarshal(raw, &n); err != nil {
				return invalid("A value provided cannot be converted into a number")
			}
			if e := checkNumber(n); e != nil {
				return e
			}
		case "SS", "NS", "BS":
			var members []string
			if err := json.Unmarshal(raw, &members); err != nil {
				return invalid("Invalid set")
			}
			if len(members) == 0 {
				return invalid("One or more parameter values were invalid: An %s set  may not be empty", map[string]string{"SS": "string", "NS": "number", "BS": "binary"}[kind])
			}
			seen := map[string]bool{}
			for _, m := range members {
				key := m
				if kind == "NS" {
					if e := checkNumber(m); e != nil {
						return e
					}
					key = canonicalNumber(m)
				}
				if seen[key] {
					return invalid("One or more parameter values were invalid: Input collection %v contains duplicates.", members)
				}
				seen[key] = true
			}
		case "M":
			var m map[string]attr
			if err := decodeNumbers(raw, &m); err != nil {
				return invalid("Invalid map")
			}
			for _, e := range m {
				if err := checkValue(e, depth+1); err != nil {
					return err
				}
			}
		case "L":
			var l []attr
			if err := decodeNumbers(raw, &l); err != nil {
				return invalid("Invalid list")
			}
			for _, e := range l {
				if err := checkValue(e, depth+1); err != nil {
					return err
				}
			}
		case "S", "B", "BOOL", "NULL":
		default:
			return invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
		}
	}
	return nil
}

// checkNumber refuses what DynamoDB's Number cannot hold: more than 38 significant digits, a
// magnitude above 9.99…E+125 or a non-zero one below 1E-130.
func checkNumber(s string) *apiError {
	digits, exp, err := parseNumber(s)
	if err != nil {
		return invalid("A value provided cannot be converted into a number")
	}
	if digits == "" {
		return nil // zero
	}
	if len(digits) > MaxNumberDigits {
		return invalid("Attempting to store more than %d significant digits in a Number", MaxNumberDigits)
	}
	// The value is 0.d1d2… × 10^exp: its scientific exponent is exp-1.
	switch sci := exp - 1; {
	case sci > MaxNumberExponent:
		return invalid("Number overflow. Attempting to store a number with magnitude larger than supported range")
	case sci < MinNumberExponent:
		return invalid("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	}
	return nil
}

// parseNumber reads a decimal number into its significant digits (no leading or trailing
// zeros; "" for zero) and the exponent e such that the value is ±0.digits × 10^e.
func parseNumber(s string) (digits string, exp int, err error) {
	bad := errors.New("not a number")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	mantissa, e, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		n, err := strconv.Atoi(e)
		if err != nil || e == "" {
			return "", 0, bad
		}
		exp = n
	}
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if intPart+frac == "" || strings.Trim(intPart+frac, "0123456789") != "" {
		return "", 0, bad
	}
	all := intPart + frac
	exp += len(intPart)
	trimmed := strings.TrimLeft(all, "0")
	exp -= len(all) - len(trimmed)
	return strings.TrimRight(trimmed, "0"), exp, nil
}

func canonicalNumber(s string) string {
	digits, exp, _ := parseNumber(s)
	if digits == "" {
		return "0"
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign = "-"
	}
	return fmt.Sprintf("%s0.%se%d", sign, digits, exp)
}

// size is a value's size as DynamoDB counts it: strings and binaries by their bytes, numbers
// about one byte per two significant digits plus one, booleans and nulls one byte, lists and
// maps three bytes plus one per element plus their elements (and a map's names).
func (v attr) size() int {
	for kind, raw := range v {
		switch kind {
		case "S":
			s, _ := v.str()
			return len(s)
		case "N":
			var n string
			_ = json.Unmarshal(raw, &n)
			return numberSize(n)
		case "B":
			var b string
			_ = json.Unmarshal(raw, &b)
			return base64.StdEncoding.DecodedLen(len(b))
		case "BOOL", "NULL":
			return 1
		case "SS", "BS":
			var members []string
			_ = json.Unmarshal(raw, &members)
			n := 0
			for _, m := range members {
				if kind == "BS" {
					n += base64.StdEncoding.DecodedLen(len(m))
				} else {
					n += len(m)
				}
			}
			return n
		case "NS":
			var members []string
			_ = json.Unmarshal(raw, &members)
			n := 0
			for _, m := range members {
				n += numberSize(m)
			}
			return n
		case "M":
			var m map[string]attr
			_ = decodeNumbers(raw, &m)
			n := 3
			for name, e := range m {
				n += len(name) + e.size() + 1
			}
			return n
		case "L":
			var l []attr
			_ = decodeNumbers(raw, &l)
			n := 3
			for _, e := range l {
				n += e.size() + 1
			}
			return n
		}
	}
	return 0
}

func numberSize(s string) int {
	digits, _, err := parseNumber(s)
	if err != nil {
		return 0
	}
	return (len(digits)+1)/2 + 1
}

// itemSize is an item's size: each attribute's name and value.
func itemSize(item map[string]attr) int {
	n := 0
	for name, v := range item {
		n += len(name) + v.size()
	}
	return n
}

// A key condition is one or two conditions joined by AND: the partition key's equality and,
// optionally, one condition on the sort key (=, <, <=, >, >=, BETWEEN, begins_with).
type condition struct {
	attr   string
	op     string
	values []string
}

func (c *condition) holds(s string) bool {
	switch c.op {
	case "=":
		return s == c.values[0]
	case "<":
		return s < c.values[0]
	case "<=":
		return s <= c.values[0]
	case ">":
		return s > c.values[0]
	case ">=":
		return s >= c.values[0]
	case "BETWEEN":
		return s >= c.values[0] && s <= c.values[1]
	case "begins_with":
		return strings.HasPrefix(s, c.values[0])
	}
	return false
}

// parseKeyCondition reads a KeyConditionExpression, resolving its placeholders; when it
// cannot, it says why as DynamoDB does.
func parseKeyCondition(expr string, names map[string]string, values map[string]attr) ([]condition, string) {
	toks := tokens(expr)
	var conds []condition
	for len(toks) > 0 {
		var c condition
		var operands []string
		switch {
		case len(toks) >= 6 && strings.EqualFold(toks[0], "begins_with") && toks[1] == "(" && toks[3] == "," && toks[5] == ")":
			c.op, operands, toks = "begins_with", []string{toks[2], toks[4]}, toks[6:]
		case len(toks) >= 5 && strings.EqualFold(toks[1], "BETWEEN") && strings.EqualFold(toks[3], "AND"):
			c.op, operands, toks = "BETWEEN", []string{toks[0], toks[2], toks[4]}, toks[5:]
		case len(toks) >= 3 && slices.Contains([]string{"=", "<", "<=", ">", ">="}, toks[1]):
			c.op, operands, toks = toks[1], []string{toks[0], toks[2]}, toks[3:]
		default:
			return nil, fmt.Sprintf("Syntax error; token: %q", strings.Join(toks, " "))
		}
		c.attr = operands[0]
		if strings.HasPrefix(c.attr, "#") {
			n, ok := names[c.attr]
			if !ok {
				return nil, fmt.Sprintf("An expression attribute name used in the document path is not defined; attribute name: %s", c.attr)
			}
			c.attr = n
		}
		for _, t := range operands[1:] {
			v, ok := values[t]
			if !ok {
				return nil, fmt.Sprintf("An expression attribute value used in expression is not defined; attribute value: %s", t)
			}
			s, isString := v.str()
			if !isString {
				return nil, fmt.Sprintf("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: %s", c.op)
			}
			c.values = append(c.values, s)
		}
		conds = append(conds, c)
		if len(toks) > 0 {
			if !strings.EqualFold(toks[0], "AND") || len(toks) == 1 {
				return nil, fmt.Sprintf("Syntax error; token: %q", toks[0])
			}
			toks = toks[1:]
		}
	}
	if len(conds) == 0 || len(conds) > 2 {
		return nil, "The key condition must be one or two conditions joined by AND"
	}
	return conds, ""
}

// tokens splits an expression into names, placeholders, operators and punctuation.
func tokens(expr string) []string {
	var out []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '=':
			out = append(out, string(c))
			i++
		case c == '<' || c == '>':
			if i+1 < len(expr) && expr[i+1] == '=' {
				out = append(out, expr[i:i+2])
				i += 2
			} else {
				out = append(out, string(c))
				i++
			}
		default:
			j := i
			for j < len(expr) && !strings.ContainsRune(" \t\n\r(),=<>", rune(expr[j])) {
				j++
			}
			out = append(out, expr[i:j])
			i = j
		}
	}
	return out
}

// CheckNumber reports why DynamoDB would refuse the number s, or nil.
func CheckNumber(s string) error {
	if e := checkNumber(s); e != nil {
		return e
	}
	return nil
}
