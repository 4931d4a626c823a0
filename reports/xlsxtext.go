package reports

import "strings"

// safeText neutralises text from source data before it goes into a workbook cell: a value
// starting with = + - @ (or a tab or carriage return, which some readers strip before
// looking) would be taken for a formula by a user who edits the cell or by a program that
// imports the sheet as CSV (formula injection). A leading single quote makes it text.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// safeValue applies safeText to a string and leaves any other value alone.
func safeValue(v any) any {
	if s, ok := v.(string); ok {
		return safeText(s)
	}
	return v
}
