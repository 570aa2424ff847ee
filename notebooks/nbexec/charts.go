package nbexec

import (
	"html"
	"regexp"
	"strings"
)

// ChartClass marks an element that should hold a chart, and DrawnAttr (with
// value "true") marks one that was drawn; ErrorAttr holds the error of a chart
// that failed to draw. notebooks/README.md states the convention.
const (
	ChartClass = "sparsentk-chart"
	DrawnAttr  = "data-drawn"
	ErrorAttr  = "data-error"
)

// Charts is what a page's DOM says about its charts after its scripts ran.
type Charts struct {
	// Total counts elements of class ChartClass.
	Total int `json:"total"`
	// Drawn counts those with DrawnAttr="true".
	Drawn int `json:"drawn"`
	// Errors are the ErrorAttr values of charts that failed to draw.
	Errors []string `json:"errors,omitempty"`
	// PageErrors are uncaught JavaScript errors from the browser's console.
	PageErrors []string `json:"page_errors,omitempty"`
}

// OK reports whether every chart drew and the page raised no error.
func (c Charts) OK() bool {
	return c.Drawn == c.Total && len(c.Errors) == 0 && len(c.PageErrors) == 0
}

var (
	// rawText matches the elements whose content is not markup, and comments.
	rawText = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->`)
	// startTag matches a start tag with its attributes (values may be quoted).
	startTag = regexp.MustCompile(`<[a-zA-Z][^\s/>]*((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s'">]+))?)*)\s*/?>`)
	// attribute matches one attribute.
	attribute = regexp.MustCompile(`([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'">]+)))?`)
	// consoleError matches an uncaught error in Chromium's console log
	// (--enable-logging=stderr): `...:INFO:CONSOLE...] "Uncaught X", source: URL (L)`.
	consoleError = regexp.MustCompile(`CONSOLE[^\]]*\] "(Uncaught [^\n]*)", source: ([^\n]*)`)
)

// CheckDOM counts the charts of a serialized DOM (Chromium's --dump-dom) and
// collects the uncaught errors of the browser's console log.
func CheckDOM(dom, consoleLog string) Charts {
	var c Charts
	dom = rawText.ReplaceAllString(dom, "")
	for _, tag := range startTag.FindAllStringSubmatch(dom, -1) {
		attrs := map[string]string{}
		for _, a := range attribute.FindAllStringSubmatch(tag[1], -1) {
			attrs[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
		}
		if !hasClass(attrs["class"], ChartClass) {
			continue
		}
		c.Total++
		if attrs[DrawnAttr] == "true" {
			c.Drawn++
		}
		if e, ok := attrs[ErrorAttr]; ok {
			c.Errors = append(c.Errors, e)
		}
	}
	for _, m := range consoleError.FindAllStringSubmatch(consoleLog, -1) {
		c.PageErrors = append(c.PageErrors, m[1]+" at "+m[2])
	}
	return c
}

// hasClass reports whether a class attribute lists class.
func hasClass(attr, class string) bool {
	for _, f := range strings.Fields(attr) {
		if f == class {
			return true
		}
	}
	return false
}
